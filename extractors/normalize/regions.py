"""Administrative divisions (province / city / county) of a reporting unit, via the cpca gazetteer.

Why cpca: it knows every county-level division with its parents, so "株洲市芦淞区…"
yields 湖南省 even where the province is not printed.  A development zone
(经济技术开发区, 高新区) is not a county: cpca never returns one, and we keep
that null rather than guess.
"""

from __future__ import annotations

import importlib.resources
import sys
import types
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Region:
    province: str | None
    city: str | None
    county: str | None

    def specificity(self) -> int:
        return sum(part is not None for part in (self.province, self.city, self.county))


_NONE = Region(None, None, None)
_CITY_PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


@lru_cache(maxsize=1)
def _cpca() -> Any:
    """Import cpca; it reads its data through pkg_resources, absent from modern setuptools-free envs.

    The shim serves exactly the one call cpca makes (resource_stream) from importlib.resources.
    """
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        shim = types.ModuleType("pkg_resources")
        shim.resource_stream = (
            lambda package, name: importlib.resources.files(package).joinpath(name).open("rb")
        )  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim
    import cpca

    return cpca


def _clean(value: Any) -> str | None:
    if value is None or not isinstance(value, str) or not value.strip():
        return None
    return value.strip()


def resolve_region(text: str | None) -> Region:
    """The divisions named at the start of a unit name or title; empty Region when none."""
    if not text:
        return _NONE
    frame = _cpca().transform([text[:200]])
    row = frame.iloc[0]
    province, city, county = _clean(row.get("省")), _clean(row.get("市")), _clean(row.get("区"))
    if city in _CITY_PLACEHOLDERS:
        city = province if province and province.endswith("市") else None
    return Region(province, city, county)


def merge_regions(primary: Region, secondary: Region) -> Region:
    """Fill gaps of the primary region from a secondary one, only where both agree on the parents."""
    if primary.province is None:
        return secondary if secondary.specificity() > primary.specificity() else primary
    if secondary.province != primary.province:
        return primary
    city = primary.city or secondary.city
    county = primary.county
    if county is None and secondary.county and (primary.city is None or secondary.city == primary.city):
        county = secondary.county
    return Region(primary.province, city, county)
