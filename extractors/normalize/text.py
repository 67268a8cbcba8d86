"""Text folding shared by every reader and interpreter.

Why: the same report reaches us as PDF, DOCX and HTML, and each format breaks
lines and spaces differently ("2023 年度", "1307.04\\n万元", full-width digits).
Interpreters match vocabulary on one canonical form so that a rule written for
one format holds for all of them.
"""

from __future__ import annotations

import re

_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(
    rf"(?<=[{_CJK}{_CJK_PUNCT}])[ \t\u3000\xa0]+|[ \t\u3000\xa0]+(?=[{_CJK}{_CJK_PUNCT}])"
)
_MULTI_SPACE = re.compile(r"[ \t\u3000\xa0]+")
_FULLWIDTH_DIGITS = str.maketrans(
    "０１２３４５６７８９．，％：（）",
    "0123456789.,%:()",
)


def fold_width(text: str) -> str:
    """Full-width digits, %, dot and comma become ASCII; CJK punctuation otherwise stays."""
    return text.translate(_FULLWIDTH_DIGITS)


def fold_space(text: str) -> str:
    """Collapse runs of white space to one space and trim."""
    return _MULTI_SPACE.sub(" ", text.replace("\r", "")).strip()


def compact(text: str) -> str:
    """Drop spaces that sit next to CJK characters ("2023 年度" → "2023年度"), fold the rest."""
    return fold_space(_SPACE_NEAR_CJK.sub("", text.replace("\u200b", "")))


def join_wrapped_lines(text: str) -> str:
    """Join the lines of a wrapped table cell: no separator inside CJK, one space between Latin words."""
    parts = [p.strip() for p in text.replace("\r", "").split("\n")]
    out = ""
    for part in parts:
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def cell_text(text: str | None) -> str:
    """The canonical text of one table cell (None for a covered merged cell becomes "")."""
    if not text:
        return ""
    return compact(join_wrapped_lines(text))


def key_text(text: str | None) -> str:
    """Text for vocabulary matching: compact, full-width folded, without colons, brackets of score notes."""
    value = fold_width(cell_text(text))
    return re.sub(r"[\s:：]", "", value)
