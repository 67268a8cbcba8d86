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
    region = _cpca_region(_expand_short_names(text[:200]))
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
    # cpca reads a bare "县" or "市辖区" as a municipality's placeholder level ("2020年度县级专项资金…"
    # → 重庆市): a division counts only when the text names it (or names a division below it).
    named = [part for part in (province, city, county) if part and _stem(part) in text]
    if not named:
        return _NONE
    return Region(province, city, county)


_LEVEL_SUFFIXES = (
    "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗", "特别行政区",
    "地区", "省", "市", "州", "县", "区", "旗", "盟",
)  # fmt: skip


def _stem(name: str) -> str:
    """A division's name without its level word ("重庆市" → 重庆, "黔东南苗族侗族自治州" → 黔东南)."""
    for suffix in _LEVEL_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return re.split(r"(?:[\u4e00-\u9fff]{1,4}族)+$", name[: -len(suffix)])[0] or name[:2]
    return name


@lru_cache(maxsize=1)
def _short_names() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Short forms of autonomous divisions as units print them ("红河州" → 红河哈尼族彝族自治州,
    "彭水县" / "彭水自治县" → 彭水苗族土家族自治县), built from the gazetteer's own names; a short form
    that is itself another division's name is left out."""
    import csv

    _cpca()  # installs the pkg_resources shim cpca needs before it can be imported
    resources = importlib.resources.files("cpca.resources")
    with resources.joinpath("adcodes.csv").open("r", encoding="utf-8") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    nations = resources.joinpath("56_nations.csv").read_text(encoding="utf-8").split()
    nation = "|".join(sorted(map(re.escape, nations), key=len, reverse=True))
    autonomy = re.compile(rf"^(?P<stem>.+?)(?:{nation})+自治(?P<level>州|县|旗)$")
    aliases: dict[str, str] = {}
    for name in names:
        match = autonomy.match(name)
        if not match:
            continue
        stem, level = match.group("stem"), match.group("level")
        for alias in (stem + level, stem + "自治" + level):
            if alias not in names and len(stem) >= 2:
                aliases.setdefault(alias, name)
    if not aliases:
        return None, {}
    pattern = re.compile("|".join(sorted(map(re.escape, aliases), key=len, reverse=True)))
    return pattern, aliases


def expand_short_names(text: str) -> str:
    """``text`` with an autonomous division's short form near its start spelled out in full
    ("彭水自治县2024年度…" → "彭水苗族土家族自治县2024年度…")."""
    return _expand_short_names(text)


def _expand_short_names(text: str) -> str:
    pattern, aliases = _short_names()
    if pattern is None:
        return text
    match = pattern.search(text)
    if match is None or match.start() > 8:
        return text
    return text[: match.start()] + aliases[match.group(0)] + text[match.end() :]


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
