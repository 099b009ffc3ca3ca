"""A lab's own gait events stored in a C3D file (``EVENT`` parameter group), so that they can be
compared with stridelab's.

The C3D standard (C3D.org user guide, "The EVENT group") stores ``EVENT:USED`` events with
``LABELS`` ("Foot Strike", "Foot Off", "General" ...), ``CONTEXTS`` ("Left", "Right", "General") and
``TIMES`` as (minutes, seconds) pairs on the recording's clock, which Vicon Nexus, Qualisys and
Cortex all write. Foot strikes and foot offs become one contact table (``side``, ``ic_s``, ``to_s``)
by pairing each strike with the next off of the same foot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

_STRIKE = ("foot strike", "foot_strike", "footstrike", "heel strike", "ic", "initial contact", "rhs", "lhs")
_OFF = ("foot off", "foot_off", "footoff", "toe off", "toe_off", "to", "rto", "lto")


def _value(group: dict[str, Any], name: str) -> Any:
    v = group.get(name)
    return v.get("value") if isinstance(v, dict) else None


def lab_events(params: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{"context", "label", "time_s"}]`` from a C3D's parameters, in time order (empty when none)."""
    ev = params.get("EVENT", {}) if hasattr(params, "get") else {}
    labels = [str(x).strip() for x in (_value(ev, "LABELS") or [])]
    contexts = [str(x).strip() for x in (_value(ev, "CONTEXTS") or [])]
    times = _value(ev, "TIMES")
    if not labels or times is None:
        return []
    t = np.asarray(times, dtype=float)
    if t.ndim == 2 and t.shape[0] == 2:
        secs = t[0] * 60.0 + t[1]
    else:
        secs = t.ravel()
    used = _value(ev, "USED")
    n = min(len(labels), secs.size, int(np.asarray(used).ravel()[0]) if used is not None and np.size(used) else len(labels))
    out = [
        {"context": contexts[i] if i < len(contexts) else "", "label": labels[i], "time_s": float(secs[i])}
        for i in range(n)
        if np.isfinite(secs[i])
    ]
    return sorted(out, key=lambda e: e["time_s"])


def lab_contacts(events: list[dict[str, Any]]) -> pd.DataFrame:
    """Contacts (``side``, ``ic_s``, ``to_s``) from foot-strike / foot-off events: each strike with the
    next off of the same foot before that foot's next strike."""
    import pandas as pd  # here: the C3D parsing child imports this module, and needs no pandas

    rows = []
    for side in ("left", "right"):
        mine = [e for e in events if e["context"].lower().startswith(side[0]) and e["context"].lower() in (side, side[0])]
        strikes = sorted(e["time_s"] for e in mine if e["label"].lower() in _STRIKE)
        offs = sorted(e["time_s"] for e in mine if e["label"].lower() in _OFF)
        for i, ic in enumerate(strikes):
            nxt = strikes[i + 1] if i + 1 < len(strikes) else np.inf
            to = next((o for o in offs if ic < o < nxt), None)
            if to is not None:
                rows.append((side, ic, to))
    df = pd.DataFrame(rows, columns=["side", "ic_s", "to_s"])
    return df.sort_values("ic_s", kind="stable").reset_index(drop=True)


__all__ = ["lab_events", "lab_contacts"]
