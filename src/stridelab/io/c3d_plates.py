"""Force platforms of a C3D file, computed from its analog channels with numpy.

Reproduces the force-platform module of ezc3d (``ezc3d.c3d(path, extract_forceplat_data=True)``,
which follows the C3D format's definitions of plate types 1-4: C3D.org, *The C3D File Format
User Guide*, Motion Lab Systems 2008, ch. "Force platforms"), operation for operation, so that
forces, moments, centres of pressure and free moments agree with it to the last bits (the tests
compare both on real files: an instrumented treadmill of type 4 and two Kistler plates of type
3). ezc3d builds these arrays frame by frame in Python, which costs more than parsing the whole
file; here they take a few milliseconds.

Per plate ``k`` (``FORCE_PLATFORM`` parameters; analog values already scaled by the parser):

* frame: x = corner 1 - corner 2, y = corner 1 - corner 4, z = x × y, y = z × x, normalised;
  the output is in the laboratory frame (``R @ v``) and the centre of pressure is offset by the
  mean of the corners; ``ORIGIN`` is negated when its z is positive (types 1-4);
* type 1: channels Fx, Fy, Fz, COPx, COPy, Tz; origin x and y ignored;
* types 2 and 4: channels Fx, Fy, Fz, Mx, My, Mz (type 4 through ``CAL_MATRIX``); the moment is
  carried to the plate's surface centre (``M + F × origin``);
* type 3 (Kistler, 8 channels fx12, fx34, fy14, fy23, fz1..fz4): forces and moments from the
  sensor offsets ``ORIGIN`` (a, b, az), and the polynomial COP correction ``FPCOPPOLY`` (Kistler's
  manual; ezc3d issue 253);
* COP = (-My / Fz, Mx / Fz, 0) on the plate, free moment ``Tz = M - F × (-COP)``.

Unsupported types (5-7, 11, 12, 21) are refused, as ezc3d refuses them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_AGAIN = "; the plate description is damaged: export the trial again from the lab software"


def _value(group: dict[str, Any], name: str) -> Any:
    v = group.get(name)
    return v.get("value") if isinstance(v, dict) else None


def _flat(value: Any) -> np.ndarray:
    """Parameter values in file order (ezc3d reshapes them column-major)."""
    return np.asarray(value if value is not None else [], dtype=float).ravel(order="F")


def _dims(value: Any) -> tuple[int, ...]:
    return tuple(np.shape(value if value is not None else []))


def _cross(a: tuple[Any, Any, Any], b: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _rot(r: np.ndarray, v: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    """``r @ v`` with each row summed left to right from 0 (ezc3d's order of operations)."""
    return tuple(((0.0 + r[i, 0] * v[0]) + r[i, 1] * v[1]) + r[i, 2] * v[2] for i in range(3))


def _normalised(v: np.ndarray) -> np.ndarray:
    n = np.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    return v * (1.0 / n)


def _frame(corners: np.ndarray) -> np.ndarray:
    """Plate axes (columns) in the laboratory frame from its corners (3, 4)."""
    c = [corners[:, i] for i in range(4)]
    x = c[0] - c[1]
    y = c[0] - c[3]
    z = np.array(_cross(tuple(x), tuple(y)))
    y = np.array(_cross(tuple(z), tuple(x)))
    return np.stack([_normalised(x), _normalised(y), _normalised(z)], axis=1)


def _stack(v: tuple[Any, Any, Any], n: int) -> np.ndarray:
    return np.stack([np.broadcast_to(np.asarray(x, dtype=float), (n,)) for x in v], axis=1)


class PlateError(ValueError):
    """The FORCE_PLATFORM parameters cannot describe a plate (the message says which and what to do)."""


def _plate(k: int, fp: dict[str, Any], analogs: np.ndarray, unit_force: str, unit_position: str) -> dict[str, Any]:
    types = _flat(_value(fp, "TYPE"))
    if types.size < k + 1:
        raise PlateError("FORCE_PLATFORM:TYPE names fewer plates than FORCE_PLATFORM:USED" + _AGAIN)
    ptype = int(types[k])
    if ptype not in (1, 2, 3, 4):
        raise PlateError(
            f"force platform {k + 1} is of type {ptype}, which stridelab cannot convert (types 1 to 4); "
            "export markers and forces as TRC + MOT from the lab software instead"
        )
    all_corners = _flat(_value(fp, "CORNERS"))
    if all_corners.size < 12 * (k + 1):
        raise PlateError("FORCE_PLATFORM:CORNERS is not filled for every plate" + _AGAIN)
    corners = all_corners[12 * k : 12 * (k + 1)].reshape(4, 3).T.copy()  # (3, 4)
    mean_corners = (((0.0 + corners[:, 0]) + corners[:, 1]) + corners[:, 2]) + corners[:, 3]
    mean_corners = mean_corners * (1.0 / 4)
    all_origins = _flat(_value(fp, "ORIGIN"))
    if all_origins.size < 3 * (k + 1):
        raise PlateError("FORCE_PLATFORM:ORIGIN is not filled for every plate" + _AGAIN)
    origin = all_origins[3 * k : 3 * (k + 1)].copy()
    if ptype == 1:
        origin[:2] = 0.0
    if origin[2] > 0.0:
        origin = -1.0 * origin
    cal = np.zeros((6, 6))
    cal_value = _value(fp, "CAL_MATRIX")
    if cal_value is None:
        if ptype != 2:
            raise PlateError("FORCE_PLATFORM:CAL_MATRIX is missing but this plate type needs it" + _AGAIN)
    else:
        dims = _dims(cal_value)
        if len(dims) < 3 or dims[2] <= k:
            if ptype == 4:
                raise PlateError("FORCE_PLATFORM:CAL_MATRIX is not filled for every plate" + _AGAIN)
        else:
            val = _flat(cal_value)
            if val.size == 0:
                cal = np.eye(6)
            else:
                skip = dims[0] * dims[1]
                idx = skip * k + np.arange(6)[None, :] * 6 + np.arange(6)[:, None]  # (i, j) -> j * 6 + i
                if idx.max() >= val.size:
                    raise PlateError("FORCE_PLATFORM:CAL_MATRIX is too small for a 6-channel plate" + _AGAIN)
                cal = val[idx]
    n_channels = 8 if ptype == 3 else 6
    ch_value = _value(fp, "CHANNEL")
    cdims = _dims(ch_value)
    if len(cdims) == 1:
        cdims = (cdims[0], 1)
    if len(cdims) < 2 or cdims[0] < n_channels or cdims[1] < k + 1:
        raise PlateError("FORCE_PLATFORM:CHANNEL does not name the channels of every plate" + _AGAIN)
    channels = _flat(ch_value)[k * cdims[0] : k * cdims[0] + n_channels].astype(int) - 1
    n = analogs.shape[1]
    r = _frame(corners)
    out: dict[str, Any] = {
        "unit_force": unit_force,
        "unit_moment": unit_force + unit_position,
        "unit_position": unit_position,
        "corners": corners,
        "origin": origin,
        "cal_matrix": cal,
    }
    if n == 0:
        for key in ("force", "moment", "cop", "tz"):
            out[key] = np.zeros((0, 3))
        return out
    if channels.min() < 0 or channels.max() >= analogs.shape[0]:
        raise PlateError(f"FORCE_PLATFORM:CHANNEL names analog channels outside 1 to {analogs.shape[0]}" + _AGAIN)
    ch = [analogs[c] for c in channels]
    zero = np.zeros(n)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if ptype == 1:
            f = _rot(r, (ch[0], ch[1], ch[2]))
            cop = _rot(r, (ch[3], ch[4], zero))
            tz = _rot(r, (zero, zero, ch[5]))
            m = tuple(a - b for a, b in zip(_cross(f, cop), tz, strict=True))
            cop = tuple(a + b for a, b in zip(cop, mean_corners, strict=True))
        else:
            if ptype == 3:
                fr = (ch[0] + ch[1], ch[2] + ch[3], ((ch[4] + ch[5]) + ch[6]) + ch[7])
                mr = (
                    origin[1] * (((ch[4] + ch[5]) - ch[6]) - ch[7]),
                    origin[0] * (((ch[5] + ch[6]) - ch[4]) - ch[7]),
                    origin[1] * (ch[1] - ch[0]) + origin[0] * (ch[2] - ch[3]),
                )
                off = _cross(fr, (0.0, 0.0, origin[2]))
            else:
                d = ch[:6]
                if ptype == 4:
                    d = [sum((cal[i, j] * d[j] for j in range(6)), start=zero) for i in range(6)]
                fr = (d[0], d[1], d[2])
                mr = (d[3], d[4], d[5])
                off = _cross(fr, (origin[0], origin[1], origin[2]))
            mr = (mr[0] + off[0], mr[1] + off[1], mr[2] + off[2])
            f = _rot(r, fr)
            m = _rot(r, mr)
            cx, cy = -mr[1] / fr[2], mr[0] / fr[2]
            if ptype == 3:
                p = _flat(_value(fp, "FPCOPPOLY"))
                p = p[12 * k : 12 * (k + 1)] if p.size else np.zeros(12)
                if p.size < 12:
                    raise PlateError("FORCE_PLATFORM:FPCOPPOLY is not filled for every plate" + _AGAIN)
                x_off = (p[0] * np.power(cy, 4.0) + p[1] * np.power(cy, 2.0) + p[2]) * np.power(cx, 3.0) + (
                    p[3] * np.power(cy, 4.0) + p[4] * np.power(cy, 2.0) + p[5]
                ) * cx
                y_off = (p[6] * np.power(cx, 4.0) + p[7] * np.power(cx, 2.0) + p[8]) * np.power(cy, 3.0) + (
                    p[9] * np.power(cx, 4.0) + p[10] * np.power(cx, 2.0) + p[11]
                ) * cy
                cx, cy = cx - x_off, cy - y_off
            cop_raw = (cx, cy, zero)
            cop = tuple(a + b for a, b in zip(_rot(r, cop_raw), mean_corners, strict=True))
            arm = _cross(fr, (-1.0 * cx, -1.0 * cy, -1.0 * zero))
            tz = _rot(r, (mr[0] - arm[0], mr[1] - arm[1], mr[2] - arm[2]))
    out["force"] = _stack(f, n)
    out["moment"] = _stack(m, n)
    out["cop"] = _stack(cop, n)
    out["tz"] = _stack(tz, n)
    return out


def force_platforms(parameters: dict[str, Any], analogs: np.ndarray) -> list[dict[str, Any]]:
    """Every plate of ``FORCE_PLATFORM:USED``: ``force``, ``moment``, ``cop``, ``tz`` (n, 3) in
    the file's units and laboratory axes, ``corners`` (3, 4), ``origin`` (3,), ``cal_matrix``
    (6, 6) and the unit strings, as ezc3d gives them.

    ``parameters``: the parser's parameter groups (``{"FORCE_PLATFORM": {"USED": {"value": ..}}}``);
    ``analogs``: (n_channels, n_samples) scaled analog values. Raises :class:`PlateError` when
    the parameters cannot describe the plates.
    """
    fp = parameters.get("FORCE_PLATFORM")
    if not isinstance(fp, dict):
        return []
    used = _flat(_value(fp, "USED"))
    n_used = int(used[0]) if used.size else 0
    if n_used <= 0:
        return []
    units = _value(parameters.get("POINT", {}), "UNITS")
    unit_position = str(units[0]) if isinstance(units, (list, tuple)) and len(units) else "m"
    funits = _value(fp, "UNITS")
    unit_force = str(funits[0]) if isinstance(funits, (list, tuple)) and len(funits) else "N"
    analogs = np.asarray(analogs, dtype=float)
    if analogs.ndim != 2:
        analogs = analogs.reshape(0, 0)
    return [_plate(k, fp, analogs, unit_force, unit_position) for k in range(n_used)]


__all__ = ["PlateError", "force_platforms"]
