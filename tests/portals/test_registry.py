"""The registry accepts the contract's example and names the source and field of every mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.portals.registry import DEFAULT_EXCLUDE, RegistryError, SourceConfig, load_registry

CONTRACT_EXAMPLE = """
sources:
  - id: ezhou-gedian            # stable, [a-z0-9-]+
    name: 鄂州葛店经开区财政金融审计局
    start_urls:
      - https://example.gov.cn/col/col1234/index.html
    allowed_hosts: [example.gov.cn]
    include: [绩效自评, 自评报告, 自评表]
    exclude: [通知, 办法]
    max_pages: 500
    max_depth: 3
    requests_per_second: 1.0
    adapter: auto
  - id: minimal
    start_urls: [https://www.example.gov.cn/xxgk/index.html, http://other.example.cn/a/]
    include: 绩效自评
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_contract_example_loads_with_defaults(tmp_path: Path) -> None:
    full, minimal = load_registry(_write(tmp_path, CONTRACT_EXAMPLE))
    assert full.id == "ezhou-gedian" and full.name == "鄂州葛店经开区财政金融审计局"
    assert full.exclude == ("通知", "办法") and full.allowed_hosts == ("example.gov.cn",)
    assert minimal.include == ("绩效自评",)
    assert minimal.exclude == DEFAULT_EXCLUDE  # notices are not reports even in a three-line source
    assert minimal.allowed_hosts == ("www.example.gov.cn", "other.example.cn")
    assert (minimal.max_pages, minimal.max_depth, minimal.requests_per_second) == (500, 3, 1.0)
    assert (minimal.adapter, minimal.respect_robots, minimal.allow_private_addresses) == ("auto", True, False)
    assert (minimal.max_file_mb, minimal.timeout_s) == (50, 30)
    with pytest.raises(AttributeError):
        minimal.id = "other"  # type: ignore[misc]


def test_source_config_defaults_hosts_from_start_urls() -> None:
    source = SourceConfig(id="x", start_urls=["https://A.gov.cn/p/index.html"], include=["自评"])
    assert source.allowed_hosts == ("a.gov.cn",) and source.name == "x"


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="not found"):
        load_registry(tmp_path / "absent.yaml")


def test_bad_yaml_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="invalid YAML"):
        load_registry(_write(tmp_path, "sources: [\n  - id: a\n    start_urls: [x"))


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("- start_urls: [https://a.gov.cn/]\n  include: [自评]", r"source #1: field 'id': missing"),
        ("- id: Bad_ID\n  start_urls: [https://a.gov.cn/]\n  include: [自评]", r"'Bad_ID'.*'id'.*a-z0-9-"),
        ("- id: a\n  include: [自评]", r"source 'a': field 'start_urls': missing"),
        ("- id: a\n  start_urls: [https://a.gov.cn/]", r"source 'a': field 'include': missing"),
        (
            "- id: a\n  start_urls: []\n  include: [自评]",
            r"source 'a': field 'start_urls': must not be empty",
        ),
        ("- id: a\n  start_urls: [ftp://a.gov.cn/]\n  include: [自评]", r"'start_urls': not an absolute"),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  max_page: 3",
            r"source 'a': unknown key\(s\): max_page",
        ),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  max_pages: lots",
            r"source 'a': field 'max_pages': must be an integer",
        ),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  requests_per_second: 0",
            r"source 'a': field 'requests_per_second'",
        ),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  adapter: drupal",
            r"source 'a': field 'adapter': unknown adapter 'drupal'",
        ),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  respect_robots: 'no'",
            r"source 'a': field 'respect_robots': must be true or false",
        ),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  recheck_days: -1",
            r"source 'a': field 'recheck_days': must be a number >= 0",
        ),
        (
            "- id: a\n  start_urls: [https://a.gov.cn/]\n  include: [自评]\n  recheck_days: weekly",
            r"source 'a': field 'recheck_days': must be a number >= 0",
        ),
    ],
)
def test_entry_errors_name_source_and_field(tmp_path: Path, entry: str, expected: str) -> None:
    indented = "\n".join("  " + line for line in entry.splitlines())
    with pytest.raises(RegistryError, match=expected):
        load_registry(_write(tmp_path, f"sources:\n{indented}\n"))


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    text = "sources:\n" + "".join(
        f"  - id: same\n    start_urls: [https://{h}.gov.cn/]\n    include: [自评]\n" for h in ("a", "b")
    )
    with pytest.raises(RegistryError, match=r"source 'same': field 'id': duplicate id"):
        load_registry(_write(tmp_path, text))


def test_top_level_shape_is_checked(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="'sources' list"):
        load_registry(_write(tmp_path, "- id: a\n"))
    with pytest.raises(RegistryError, match="unknown top-level key"):
        load_registry(_write(tmp_path, "sources: []\nsettings: {}\n"))


def test_an_empty_exclude_list_turns_the_default_off(tmp_path: Path) -> None:
    text = "sources:\n  - id: a\n    start_urls: [https://a.gov.cn/]\n    include: [自评]\n    exclude: []\n"
    (source,) = load_registry(_write(tmp_path, text))
    assert source.exclude == ()


def test_recheck_days_defaults_to_a_week_and_zero_means_every_run(tmp_path: Path) -> None:
    text = (
        "sources:\n  - id: a\n    start_urls: [https://a.gov.cn/]\n    include: [自评]\n"
        "  - id: b\n    start_urls: [https://b.gov.cn/]\n    include: [自评]\n    recheck_days: 0\n"
    )
    default, every_run = load_registry(_write(tmp_path, text))
    assert (default.recheck_days, every_run.recheck_days) == (7.0, 0.0)


def test_an_empty_source_list_is_an_error_not_a_quiet_night(tmp_path: Path) -> None:
    """A run over no portal would crawl nothing and publish nothing new while saying it succeeded."""
    with pytest.raises(RegistryError, match="'sources' is empty"):
        load_registry(_write(tmp_path, "sources: []\n"))


def test_registry_errors_are_permanent(tmp_path: Path) -> None:
    from extractors.failures import is_permanent

    with pytest.raises(RegistryError) as raised:
        load_registry(
            _write(tmp_path, "sources:\n  - id: a\n    start_urls: [https://a.gov.cn/]\n    max_page: 3\n")
        )
    assert is_permanent(raised.value)
