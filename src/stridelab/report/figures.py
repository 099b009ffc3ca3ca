"""Matplotlib figures rendered to inline SVG strings (no files, no scripts, no external fonts)."""

from __future__ import annotations

import io
import re
from typing import Any

#: Colours used for sides everywhere in the report (colour-blind safe: Okabe-Ito).
SIDE_COLOURS = {"left": "#0072B2", "right": "#D55E00"}

_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def new_figure(width_in: float = 8.0, height_in: float = 3.0, ncols: int = 1, nrows: int = 1, **kw: Any) -> Any:
    """A (figure, axes) pair with the report's style; axes is an array when ncols*nrows > 1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#8a929c",
            "axes.labelcolor": "#1d2430",
            "xtick.color": "#5b6472",
            "ytick.color": "#5b6472",
            "axes.grid": True,
            "axes.axisbelow": True,
            "grid.color": "#eceef1",
            "grid.linewidth": 0.6,
            "svg.fonttype": "none",
            "font.family": ["DejaVu Sans", "sans-serif"],
        }
    )
    fig, ax = plt.subplots(nrows, ncols, figsize=(width_in, height_in), constrained_layout=True, **kw)
    return fig, ax


def to_svg(fig: Any) -> str:
    """The figure as an inline ``<svg>`` element (metadata and XML prologue removed)."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    return _METADATA.sub("", svg)


def figure(svg: str, caption_html: str = "") -> str:
    """An SVG with a caption (trusted HTML)."""
    cap = f"<figcaption>{caption_html}</figcaption>" if caption_html else ""
    return f"<figure>{svg}{cap}</figure>"
