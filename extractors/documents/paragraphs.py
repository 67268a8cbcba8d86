"""Heading detection shared by readers that must rebuild paragraphs from lines (PDF, plain text)."""

from __future__ import annotations

import re

HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d+\s*[、.．](?!\d)|"
    r"第[一二三四五六七八九十]+[章节部分]|附件\s*\d*|附表\s*\d*)"
)


def starts_new_paragraph(line: str) -> bool:
    """A line opening with outline numbering (一、 （二） 3. （4） 附件1) begins a new paragraph."""
    return bool(HEADING.match(line))
