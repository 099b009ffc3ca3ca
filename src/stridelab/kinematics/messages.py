"""Plain-language warnings for what the markers cannot support.

:func:`stridelab.kinematics.frames.build_body` lists every segment it could not build, naming the
missing landmarks (kept in full in ``methods.kinematics.not_computed``). Shown to a user, a dozen
such lines hide the one thing to do. :func:`condense` turns them into at most three plain lines:

* no static trial and a leg segment missing: "add --static FILE for joint angles" (once);
* no trunk or arm markers at all: one line saying which measures this marker set does not have;
* anything else (a static trial that still lacks a landmark): the original line.
"""

from __future__ import annotations

LEG_SEGMENTS = ("thigh", "shank", "foot")

STATIC_HINT = (
    "joint angles need the knee and ankle landmarks of a standing trial: add --static FILE for joint angles "
    "(a standing trial of the same session; `stridelab markers FILE` shows what is missing)"
)


def _segment(message: str) -> str:
    head = message.split(":", 1)[0].strip()
    return head.split()[-1] if head else ""


def condense(messages: list[str], has_static: bool) -> list[str]:
    """At most one line per kind of gap (see the module docstring), in plain words."""
    out: list[str] = []
    legs = [m for m in messages if _segment(m) in LEG_SEGMENTS]
    upper = [m for m in messages if _segment(m) in ("trunk", "elbow")]
    rest = [m for m in messages if m not in legs and m not in upper]
    if legs and not has_static:
        out.append(STATIC_HINT)
    else:
        out.extend(legs)
    if upper:
        what = []
        if any(_segment(m) == "trunk" for m in upper):
            what.append("trunk lean")
        if any(_segment(m) == "elbow" for m in upper):
            what.append("elbow flexion and arm swing")
        out.append(f"not measured with this marker set: {' and '.join(what)} (no such markers, or too few)")
    out.extend(rest)
    return out


def leg_frames_missing(messages: list[str]) -> bool:
    """True when a leg segment could not be built (inverse dynamics then cannot run either)."""
    return any(_segment(m) in LEG_SEGMENTS for m in messages)


__all__ = ["STATIC_HINT", "condense", "leg_frames_missing"]
