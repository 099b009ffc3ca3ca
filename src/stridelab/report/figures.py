"""Matplotlib figures rendered to inline SVG strings (no files, no scripts)."""

from __future__ import annotations

import io
from typing import Any

#: Colours used for sides everywhere in the report (colour-blind safe: Okabe-Ito).
SIDE_COLOURS = {"left": "#0072B2", "right": "#D55E00"}


def new_figure(width_in: float = 8.0, height_in: float = 3.0, ncols: int = 1, nrows: int = 1) -> Any:
    """A (figure, axes) pair with the report's style; axes is an array when ncols*nrows > 1."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none"})
    fig, ax = plt.subplots(nrows, ncols, figsize=(width_in, height_in), constrained_layout=True)
    return fig, ax


def to_svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg") :]
