"""Regions through cpca: county-level names give their parents; development zones are not counties."""

from __future__ import annotations

from extractors.normalize.regions import Region, merge_regions, resolve_region


def test_unit_name_with_city_and_district() -> None:
    assert resolve_region("株洲市芦淞区城市管理综合行政执法大队") == Region("湖南省", "株洲市", "芦淞区")


def test_district_alone_gives_its_parents() -> None:
    assert resolve_region("东湖区城市综合管理协调领导小组办公室") == Region("江西省", "南昌市", "东湖区")


def test_development_zone_has_no_county() -> None:
    region = resolve_region("鄂州葛店经济技术开发区综合执法中心")
    assert (region.province, region.city, region.county) == ("湖北省", "鄂州市", None)


def test_nothing_named_gives_nothing() -> None:
    assert resolve_region("综合执法中心") == Region(None, None, None)
    assert resolve_region(None) == Region(None, None, None)


def test_merge_fills_county_only_within_the_same_city() -> None:
    city_only = Region("湖南省", "岳阳市", None)
    assert merge_regions(city_only, Region("湖南省", "岳阳市", "岳阳楼区")).county == "岳阳楼区"
    assert merge_regions(city_only, Region("湖南省", "长沙市", "芙蓉区")).county is None
    assert merge_regions(city_only, Region("江西省", "南昌市", "东湖区")) == city_only
