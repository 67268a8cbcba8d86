"""How a layout variant prints an indicator and a budget figure (shared by the layout and the truth).

Why one module: the layout draws these cells and the ground truth (record.py) states
what was printed (target_text, actual_text of the 执行率); both must use the very same
rules, or the truth drifts from the rendering.
"""

from __future__ import annotations

from extractors.samples.spec import Indicator, LayoutVariant, fmt_hundredths

_SYMBOLS = {">=": "≥", "<=": "≤", "=": "="}
_LOOKALIKES = {"≥": "≧", "≤": "≦", "=": "═"}


def operator_symbol(op: str | None, variant: LayoutVariant) -> str:
    """The symbol a 指标性质 cell or a name prints for ``op`` ("" when there is none)."""
    symbol = _SYMBOLS.get(op or "", "")
    return _LOOKALIKES.get(symbol, symbol) if variant.operator_lookalikes else symbol


def number_text(value: float) -> str:
    """5200.0 → "5200", 2010.27 → "2010.27"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def target_in_name(ind: Indicator, variant: LayoutVariant) -> bool:
    """Whether the operator and unit move into the name ("公猪舍（≥**平方米）")."""
    return (
        variant.operator_in_name
        and variant.indicator_layout != "op_value_unit"
        and ind.target_op in (">=", "<=")
        and ind.target_value is not None
        and bool(ind.target_unit)
    )


def printed_name(ind: Indicator, variant: LayoutVariant, number: int, core: bool) -> str:
    """The 三级指标 cell: numbering, ★ marker and the name (with its target template when moved there)."""
    name = ind.name
    if target_in_name(ind, variant):
        name = f"{name}（{operator_symbol(ind.target_op, variant)}**{ind.target_unit}）"
    if variant.numbered_names:
        name = f"指标{number}：{name}"
    if variant.core_markers and core:
        name = f"★{name}"
    return name


def printed_target(ind: Indicator, variant: LayoutVariant) -> str:
    """The 年度指标值 cell of the one-cell layouts."""
    if target_in_name(ind, variant):
        assert ind.target_value is not None
        return number_text(ind.target_value)
    if not variant.operator_lookalikes:
        return ind.target_text
    text = ind.target_text.replace("≥", "≧").replace("≤", "≦")
    return "═" + text[1:] if text.startswith("=") else text


def target_cells(ind: Indicator, variant: LayoutVariant) -> tuple[str, str, str]:
    """(指标性质, 指标值, 度量单位) of the op_value_unit layout."""
    if ind.target_op == "qualitative":
        return "定性", ind.target_text, ""
    value = number_text(ind.target_value) if ind.target_value is not None else "预算金额"
    return operator_symbol(ind.target_op, variant), value, ind.target_unit or ""


def target_text(ind: Indicator, variant: LayoutVariant) -> str:
    """What the record's target_text holds: the one cell, or the three cells joined (as read)."""
    if variant.indicator_layout == "op_value_unit":
        op, value, unit = target_cells(ind, variant)
        return f"{op}{value}{unit}"
    return printed_target(ind, variant)


def rate_text(rate: int, variant: LayoutVariant) -> str:
    """The 执行率 cell: "93.25%", or "93.25" where the template prints a bare number."""
    return fmt_hundredths(rate) if variant.bare_rate else f"{fmt_hundredths(rate)}%"


def amount_text(value: int, variant: LayoutVariant) -> str:
    """A money-block amount (hundredths of 万元) as printed: 万元, or 元 under a (元) header."""
    return f"{value * 100}.00" if variant.amounts_in_yuan else fmt_hundredths(value)


def money_unit(variant: LayoutVariant) -> str:
    return "元" if variant.amounts_in_yuan else "万元"
