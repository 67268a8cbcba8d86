"""Administrative divisions (province / city / county) of a reporting unit, via the cpca gazetteer.

Why cpca: it knows every county-level division with its parents, so "株洲市芦淞区…"
yields 湖南省 even where the province is not printed.  A development zone
(经济技术开发区, 高新区) is not a county: cpca never returns one, and we keep
that null rather than guess.
"""

from __future__ import annotations

import importlib.resources
import re
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
# Municipalities have no city level between them and their districts (labelling.md: city null).
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
# A county-level name right where the text starts or right after its city ("长泰区…", "漳州市长泰区…").
_COUNTY_TOKEN = re.compile(r"([\u4e00-\u9fff]{1,4}?)(区|县|市)")


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
    region = _cpca_region(text[:200])
    if region.county is None:
        renamed = _renamed_county(text[:200], region)
        if renamed is not None:
            region = renamed
    return region


@lru_cache(maxsize=4096)
def _cpca_region(text: str) -> Region:
    frame = _cpca().transform([text])
    row = frame.iloc[0]
    province, city, county = _clean(row.get("省")), _clean(row.get("市")), _clean(row.get("区"))
    if city in _CITY_PLACEHOLDERS or province in MUNICIPALITIES:
        city = None
    return Region(province, city, county)


def _renamed_county(text: str, found: Region) -> Region | None:
    """A county renamed since the gazetteer's edition (县 → 区 or 市, 区 → 县): "漳州市长泰区" is the
    gazetteer's 长泰县 of 漳州市.  Only where the other spelling resolves within the same city (or
    alone, at the start of the text); the name stays as printed."""
    start = 0
    if found.city and found.city in text:
        start = text.index(found.city) + len(found.city)
    elif found.province and found.province in text:
        start = text.index(found.province) + len(found.province)
    elif found.province is not None:
        return None
    match = _COUNTY_TOKEN.match(text, start)
    if match is None:
        return None
    stem, suffix = match.group(1), match.group(2)
    if len(stem) < 2 and suffix != "县":
        return None
    for other in ("县", "区", "市"):
        if other == suffix:
            continue
        candidate = _cpca_region((found.city or found.province or "") + stem + other)
        same_city = found.city is None or candidate.city == found.city
        same_province = found.province is None or candidate.province == found.province
        if candidate.county == stem + other and same_city and same_province:
            return Region(candidate.province, candidate.city, stem + suffix)
    return None


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
