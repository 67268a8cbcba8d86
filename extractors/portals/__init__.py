"""Portal crawling: from a registry of gov.cn portals to report documents in a raw store.

- ``registry.load_registry(path) -> list[SourceConfig]``: the validated ``SOURCES_FILE``.
- ``crawler.crawl_source(source, settings, *, run_id) -> CrawlResult``: one portal, one run;
  documents land in ``settings.raw_dir/<sha[:2]>/<sha256>``, one manifest row per fetch in
  ``settings.manifest_dir/<source_id>.jsonl``, validators in ``settings.crawl_state_dir``.

Modules by concern: ``netguard`` (allowed hosts, SSRF), ``fetcher`` (politeness, retries,
streaming caps, robots.txt), ``sniff`` (formats, file names, charsets), ``discovery`` (reading
a page), ``adapters`` (CMS families), ``rawstore``/``state``/``manifest``/``atomic`` (what is
kept between runs), ``crawler`` (the walk).
"""
