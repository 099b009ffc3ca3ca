"""Canonical landmark names and a matcher from each lab's marker names.

Canonical names are lower-case with a side prefix ``l_`` / ``r_`` for bilateral landmarks
(``l_asis``, ``r_knee_lat``, ``l_mt5``) and none for midline ones (``c7``, ``sacrum``). Technical
cluster markers, whose exact placement differs between labs, become ``<side>_<segment>_c<k>``
(``l_thigh_c1`` ...) numbered in the order the file lists them.

:func:`match_name` maps one lab name to a canonical name from its tokens; presets in
``stridelab/markersets/*.json`` map whole known marker sets exactly, and a user mapping file can
override both (see :mod:`stridelab.io.markerset`).
"""

from __future__ import annotations

import re

#: Bilateral anatomical landmarks: canonical suffix -> description.
BILATERAL: dict[str, str] = {
    "asis": "anterior superior iliac spine",
    "psis": "posterior superior iliac spine",
    "iliac_crest": "top of the iliac crest",
    "gtr": "greater trochanter",
    "knee_lat": "lateral femoral epicondyle",
    "knee_med": "medial femoral epicondyle",
    "tt": "tibial tuberosity",
    "hf": "head of the fibula",
    "ankle_lat": "lateral malleolus",
    "ankle_med": "medial malleolus",
    "heel": "posterior calcaneus (heel)",
    "heel_top": "upper posterior heel (shoe counter)",
    "heel_bottom": "lower posterior heel (shoe counter)",
    "heel_lat": "lateral calcaneus",
    "heel_med": "medial calcaneus",
    "mt1": "first metatarsal head",
    "mt2": "second metatarsal head",
    "mt5": "fifth metatarsal head",
    "midfoot": "dorsum of the midfoot",
    "forefoot": "dorsum of the forefoot",
    "toe": "tip of the hallux / toe",
    "toe2": "second toe",
    "toe5": "fifth toe",
    "thigh_wand": "thigh wand / lateral thigh marker",
    "shank_wand": "shank wand / lateral shank marker",
    "shoulder": "acromion",
    "upper_arm": "lateral upper arm",
    "elbow_lat": "lateral humeral epicondyle",
    "elbow_med": "medial humeral epicondyle",
    "forearm": "forearm",
    "wrist_rad": "radial styloid",
    "wrist_uln": "ulnar styloid",
    "finger": "hand / third metacarpal",
    "head_front": "front of the head",
    "head_back": "back of the head",
}

#: Midline landmarks.
MIDLINE: dict[str, str] = {
    "c7": "spinous process of C7",
    "t10": "spinous process of T10",
    "clav": "jugular notch",
    "strn": "xiphoid process / sternum",
    "sacrum": "sacrum (midpoint of the PSIS)",
    "back": "upper back offset marker",
    "head_top": "top of the head",
}

#: Segments whose technical clusters get numbered canonical names.
CLUSTER_SEGMENTS = ("pelvis", "thigh", "shank", "foot", "upper_arm", "forearm", "trunk")

SIDES = {"l": "left", "r": "right"}

# Token groups: a rule matches when every group has at least one of its tokens among the name's
# tokens. Rules are tried in order, most specific first.
_RULES: list[tuple[tuple[frozenset[str], ...], str]] = []


def _rule(target: str, *groups: str) -> None:
    _RULES.append((tuple(frozenset(g.split()) for g in groups), target))


_rule("psis", "back post posterior", "asis asi")
_rule("psis", "psis psi")
_rule("asis", "asis asi")
_rule("iliac_crest", "iliac crest ic ilc")
_rule("gtr", "gtr gt gtro trochanter troch")
_rule("knee_med", "knee kne", "med medial")
_rule("knee_med", "mfe mfc mek fme mepi mkne mknee medknee kneemed")
_rule("knee_med", "epi epicondyle condyle", "med medial")
_rule("knee_lat", "knee kne", "lat lateral")
_rule("knee_lat", "lfe lfc lek lke fle lepi lkne lknee latknee kneelat")
_rule("knee_lat", "epi epicondyle condyle", "lat lateral")
_rule("knee_lat", "knee kne")
_rule("tt", "tt tuberosity")
_rule("hf", "hf fibula fib")
_rule("ankle_med", "ankle ank mal malleolus", "med medial")
_rule("ankle_med", "mm mmal tam mmalleolus medmal malmed")
_rule("ankle_lat", "ankle ank mal malleolus", "lat lateral")
_rule("ankle_lat", "lm lmal fal lmalleolus latmal mallat")
_rule("ankle_lat", "ankle ank malleolus")
_rule("heel_top", "heel hee", "top upper up sup")
_rule("heel_bottom", "heel hee", "bottom lower low inf")
_rule("heel_lat", "heel hee calc calcn cal calcaneus", "lat lateral ext")
_rule("heel_med", "heel hee calc calcn cal calcaneus", "med medial int")
_rule("heel", "heel hee calc calcn cal calcaneus fcc")
_rule("mt1", "mt1 fm1 fmh meta1 mh1 met1 mtp1")
_rule("mt2", "mt2 fm2 smh meta2 mh2 met2 mtp2")
_rule("mt5", "mt5 fm5 vmh meta5 mh5 met5 mtp5 5meta")
_rule("toe2", "phal2 toe2")
_rule("toe5", "phal5 toe5")
_rule("toe", "toe phal1 hallux toe1 bigtoe toetip ttip")
_rule("midfoot", "midfoot")
_rule("midfoot", "mid", "foot")
_rule("forefoot", "forefoot")
_rule("forefoot", "fore", "foot")
_rule("elbow_med", "elbow elb", "med medial")
_rule("elbow_med", "mee hme")
_rule("elbow_lat", "elbow elb", "lat lateral")
_rule("elbow_lat", "lee hle elb elbow")
_rule("wrist_uln", "wrist wr", "med medial uln ulna ulnar")
_rule("wrist_uln", "wrb usp")
_rule("wrist_rad", "wrist wr", "lat lateral rad radius radial")
_rule("wrist_rad", "wra rsp")
_rule("finger", "fin finger hand mcp")
_rule("forearm", "frm forearm")
_rule("shoulder", "sho shoulder acromion acromium acr")
_rule("upper_arm", "upa bicep biceps humerus")
_rule("upper_arm", "arm", "upper lat lateral")
_rule("upper_arm", "arm")
_rule("head_front", "fhd")
_rule("head_back", "bhd")
_rule("head_back", "head", "back rear")
_rule("head_front", "head", "front tamp temple temp")
_rule("thigh_wand", "thi")
_rule("shank_wand", "tib")
_rule("c7", "c7")
_rule("t10", "t10")
_rule("clav", "clav clavicle jugular ster")
_rule("strn", "strn sternum xiphoid xiph xyph")
_rule("sacrum", "sacr sacrum sacral")
_rule("back", "rbak bak")
_rule("head_top", "thead headtop vertex")

_SEGMENT_TOKENS = {
    "pelvis": "pelvis",
    "pelvic": "pelvis",
    "thigh": "thigh",
    "femur": "thigh",
    "shank": "shank",
    "tibia": "shank",
    "leg": "shank",
    "foot": "foot",
    "shoe": "foot",
    "arm": "upper_arm",
    "trunk": "trunk",
    "thorax": "trunk",
}

_SIDE_PATTERNS = [
    re.compile(r"^(left|right)[\W_]*(.+)$", re.IGNORECASE),
    re.compile(r"^(.+?)[\W_]+(left|right)$", re.IGNORECASE),
    re.compile(r"^([LRlr])[\W_]+(.+)$"),
    re.compile(r"^(.+?)[\W_]+([LRlr])$"),
    re.compile(r"^([LR])([A-Z0-9].*)$"),
    re.compile(r"^([lr])([A-Z].*)$"),
]


def split_side(name: str) -> tuple[str | None, str]:
    """Split a marker name into (side letter 'l'/'r' or None, the rest)."""
    for k, pat in enumerate(_SIDE_PATTERNS):
        m = pat.match(name.strip())
        if not m:
            continue
        a, b = m.group(1), m.group(2)
        side_tok, rest = (a, b) if k in (0, 2, 4, 5) else (b, a)
        return side_tok[0].lower(), rest
    return None, name.strip()


def tokens(text: str) -> list[str]:
    """Lower-case word tokens: splits on separators and camelCase; keeps 'mt5', 'c7' whole."""
    text = re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
    out: list[str] = []
    for t in re.split(r"[\W_]+", text.lower()):
        if not t:
            continue
        m = re.fullmatch(r"([a-z]+)(\d+)", t)
        if m and m.group(1) in _SEGMENT_TOKENS:
            out.extend([m.group(1), m.group(2)])
        else:
            out.append(t)
    return out


#: Words that a separate digit completes ("met_5" -> "met5", "MT 1" -> "mt1", "toe_1" -> "toe1").
_NUMBERED = {"mt", "met", "meta", "mh", "fm", "mtp", "toe", "phal"}


def _join_numbers(toks: list[str]) -> list[str]:
    out: list[str] = []
    for t in toks:
        if t.isdigit() and out and out[-1] in _NUMBERED:
            out[-1] += t
        else:
            out.append(t)
    return out


def match_name(name: str) -> tuple[str | None, str | None]:
    """Canonical (side, landmark suffix) for one lab marker name, or (side, None) if unknown.

    Cluster markers return the suffix ``"<segment>_cluster"``; :func:`canonicalize` numbers them.
    """
    side, rest = split_side(name)
    toks = _join_numbers(tokens(rest))
    tokset = set(toks)
    segment = next((_SEGMENT_TOKENS[t] for t in toks if t in _SEGMENT_TOKENS), None)
    # A cluster marker names a segment plus a number or a position word, not a landmark.
    others = tokset - set(_SEGMENT_TOKENS)
    if segment is not None and others and others <= _CLUSTER_WORDS | _DIGITS:
        return side, f"{segment}_cluster"
    for groups, target in _RULES:
        if all(tokset & g for g in groups):
            if target in MIDLINE:
                return None, target
            return side, target
    return side, None


_CLUSTER_WORDS = set(
    "c top bottom upper lower down up front rear back lat lateral med medial ant post "
    "anterior posterior proximal distal prox dist sup inf cluster".split()
)
_DIGITS = {str(i) for i in range(10)}


def canonicalize(names: list[str]) -> tuple[list[str], list[str]]:
    """Canonical names for a whole marker list, and the original names left unmapped.

    Unmapped markers keep their original name. Duplicate targets keep only the first marker
    under the canonical name (the others keep their original names and are reported).
    """
    out: list[str] = []
    unmapped: list[str] = []
    cluster_count: dict[str, int] = {}
    used: set[str] = set()
    for n in names:
        side, target = match_name(n)
        canon: str | None = None
        if target is not None and target.endswith("_cluster"):
            seg = target[: -len("_cluster")]
            key = f"{side + '_' if side else ''}{seg}"
            cluster_count[key] = cluster_count.get(key, 0) + 1
            canon = f"{key}_c{cluster_count[key]}"
        elif target is not None and target in MIDLINE:
            canon = target
        elif target is not None and side is not None:
            canon = f"{side}_{target}"
        if canon is None or canon in used:
            out.append(n)
            unmapped.append(n)
        else:
            out.append(canon)
            used.add(canon)
    return out, unmapped


def all_canonical() -> list[str]:
    """Every canonical anatomical landmark name (clusters excluded)."""
    names = [f"{s}_{b}" for s in ("l", "r") for b in BILATERAL]
    return names + list(MIDLINE)


def side_prefix(side: str) -> str:
    """'left' -> 'l_', 'right' -> 'r_'."""
    return "l_" if side == "left" else "r_"
