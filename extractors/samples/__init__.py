"""Sample reports with known ground truth, and the bundled sample portal that publishes them.

Public API (see each module for the why):
* ``ReportSpec``, ``random_report_spec`` — what a report states (spec.py)
* ``FAMILIES``, ``random_family_spec`` — the same for every template family, transfer forms and
  narratives included (families.py)
* ``spec_to_record``, ``record_for_document`` — its contract-v1 ground truth (record.py)
* ``render_report`` — the report as PDF, DOCX, XLSX or an HTML article page (render.py)
* ``render_bundle`` — several reports published as one file (render.py)
* ``build_sample_portal``, ``write_registry``, ``load_ground_truth`` — the static portal (portal.py)
* ``serve_sample_portal``, ``running_sample_portal`` — serving it (server.py)
"""

from extractors.samples.families import random_family_spec
from extractors.samples.portal import build_sample_portal, load_ground_truth, write_registry
from extractors.samples.record import record_for_document, spec_to_record
from extractors.samples.render import FAMILY_FORMATS, FORMATS, file_name_for, render_bundle, render_report
from extractors.samples.server import SamplePortal, running_sample_portal, serve_sample_portal
from extractors.samples.spec import FAMILIES, REPORT_KINDS, ReportSpec, random_report_spec

__all__ = [
    "FAMILIES",
    "FAMILY_FORMATS",
    "FORMATS",
    "REPORT_KINDS",
    "ReportSpec",
    "SamplePortal",
    "build_sample_portal",
    "file_name_for",
    "load_ground_truth",
    "random_family_spec",
    "random_report_spec",
    "record_for_document",
    "render_bundle",
    "render_report",
    "running_sample_portal",
    "serve_sample_portal",
    "spec_to_record",
    "write_registry",
]
