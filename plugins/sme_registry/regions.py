"""GB/T 2260 administrative division codes.

The table is python-stdnum's `stdnum/cn/loc.dat` (LGPL-2.1-or-later), which the
python-stdnum maintainers regenerate from the published GB/T 2260 code lists each
release, including abolished codes with the years they were valid (e.g.
`[1986-2016]许昌县`).  We use it through stdnum's own `numdb` reader.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum import numdb

_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\]")


@dataclass(frozen=True)
class Region:
    code: str
    name: str            # the unit's own name, e.g. 魏都区
    full_name: str       # e.g. 河南省许昌市魏都区
    level: str           # province | city | county
    abolished_in: int | None   # last year the code was valid, if it was abolished


def _parts(code: str):
    info = numdb.get("cn/loc").info(code)
    if len(info) < 2 or not info[1][1]:
        return None
    province = info[0][1].get("province", "")
    # "[1997-1997]万县区,[1998-]万州区": one code, names over time; the open-ended one is current
    names = []
    for raw in info[1][1].get("county", "").split(","):
        m = _YEARS.match(raw)
        names.append((raw[m.end():] if m else raw, int(m.group(2)) if m and m.group(2) else None))
    current = [n for n, end in names if end is None]
    if current:
        return province, current[-1], None
    name, end = max(names, key=lambda x: x[1])
    return province, name, end


# What lookup found, by code.  A site build keeps it in its build cache (buildcache.py), whose key
# holds python-stdnum's version and this code, and gives it back to the next build (known,
# remember): reading stdnum's table and walking it for a thousand codes was a tenth of a second
# of every rebuild.
_FOUND: dict[str, Region | None] = {}


def lookup(code: str) -> Region | None:
    found = _FOUND.get(code, _FOUND)
    if found is _FOUND:
        found = _FOUND[code] = _lookup(code)
    return found


def known() -> dict[str, tuple | None]:
    """What lookup found so far, as plain values."""
    return {code: (r.code, r.name, r.full_name, r.level, r.abolished_in) if r else None
            for code, r in _FOUND.items() if isinstance(code, str)}


def remember(found: dict[str, tuple | None]) -> None:
    """Take what known() returned in another process that read the same table."""
    for code, values in found.items():
        _FOUND.setdefault(code, Region(*values) if values else None)


def _lookup(code: str) -> Region | None:
    if not re.fullmatch(r"\d{6}", code or ""):
        return None
    parts = _parts(code)
    if parts is None:
        return None
    province, name, abolished = parts
    if code.endswith("0000"):
        return Region(code, province, province, "province", abolished)
    if code.endswith("00"):
        full = name if name == province else province + name
        return Region(code, name, full, "city", abolished)
    city = _parts(code[:4] + "00")
    city_name = city[1] if city and city[1] not in ("市辖区", "县", province) else ""
    return Region(code, name, province + city_name + name, "county", abolished)


def contains(outer: str, inner: str) -> bool:
    """Is region `inner` inside (or equal to) region `outer`?"""
    if outer.endswith("0000"):
        return inner[:2] == outer[:2]
    if outer.endswith("00"):
        return inner[:4] == outer[:4]
    return inner == outer
