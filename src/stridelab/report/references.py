"""Literature cited in the report, and numbered citations.

Any section builder may cite a source with ``cite("key")``; the report numbers sources in order of
first citation and lists them in its last section. Add a source by adding a line to
:data:`REFERENCES` (full citation with DOI where there is one).
"""

from __future__ import annotations

from contextvars import ContextVar
from html import escape

#: key -> full citation.
REFERENCES: dict[str, str] = {
    "deruiter2014": (
        "de Ruiter CJ, et al. (2014). Stride frequency in relation to oxygen "
        "consumption in experienced and novice runners. Eur J Sport Sci 14(3):251-258. doi:10.1080/17461391.2013.783627"
    ),
    "vanoeveren2017": (
        "van Oeveren BT, de Ruiter CJ, Beek PJ, van Dieën JH (2017). Optimal stride frequencies in running at different "
        "speeds. PLoS One 12(10):e0184273. doi:10.1371/journal.pone.0184273"
    ),
    "karamanidis2005": (
        "Karamanidis K, Arampatzis A (2005). Mechanical and morphological properties of different muscle-tendon units "
        "in the lower extremity and running mechanics: effect of aging and physical activity. J Exp Biol "
        "208:3907-3923. doi:10.1242/jeb.01830"
    ),
    "girard2019": (
        "Girard O, Morin JB, Ryu J, Read P, Townsend N (2019). Running velocity does not influence lower limb mechanical "
        "asymmetry. Front Sports Act Living 1:36. doi:10.3389/fspor.2019.00036"
    ),
    "mtibaa2023": (
        "Mtibaa K, Zarrouk N, Ryu JH, Racinais S, Girard O (2023). Mechanical asymmetries remain low-to-moderate during "
        "30 min of self-paced treadmill running. Front Physiol 14:1289172. doi:10.3389/fphys.2023.1289172"
    ),
    "mo2020": (
        "Mo S, Lau FOY, Lok AKY, Chan ZYS, Zhang JH, Shum G, Cheung RTH (2020). Bilateral asymmetry of running gait in "
        "competitive, recreational and novice runners at different speeds. Hum Mov Sci 71:102600. "
        "doi:10.1016/j.humov.2020.102600"
    ),
    "zifchock2008": (
        "Zifchock RA, Davis I, Higginson J, Royer T (2008). The symmetry angle: a novel, robust method of quantifying "
        "asymmetry. Gait Posture 27(4):622-627"
    ),
    "robinson1987": (
        "Robinson RO, Herzog W, Nigg BM (1987). Use of force platform variables to quantify the effects of chiropractic "
        "manipulation on gait symmetry. J Manipulative Physiol Ther 10(4):172-176"
    ),
}

_cited: ContextVar[list[str] | None] = ContextVar("stridelab_report_citations", default=None)


def start_citations() -> None:
    """Begin numbering citations for one report."""
    _cited.set([])


def cited() -> list[str]:
    """Keys cited so far, in order of first citation."""
    return list(_cited.get() or [])


def cite(*keys: str) -> str:
    """A bracketed, linked citation number (or numbers) for the given source keys."""
    order = _cited.get()
    if order is None:
        order = []
        _cited.set(order)
    nums = []
    for k in keys:
        if k not in REFERENCES:
            raise KeyError(f"unknown reference {k!r}; add it to stridelab.report.references.REFERENCES")
        if k not in order:
            order.append(k)
        n = order.index(k) + 1
        nums.append(f'<a href="#ref-{escape(k)}">{n}</a>')
    return f'<span class="cite">[{", ".join(nums)}]</span>'


def reference_list_html() -> str:
    """The numbered list of every source cited in this report."""
    items = "".join(f'<li id="ref-{escape(k)}">{escape(REFERENCES[k])}</li>' for k in cited())
    return f'<ol class="refs">{items}</ol>' if items else ""
