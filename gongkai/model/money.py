"""Exact money (金额): amounts in yuan as ``Decimal``, never floats."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

YUAN_PER_WAN = Decimal(10000)
MAX_AMOUNT = Decimal(10) ** 13  # 十万亿元: larger is a typing slip, not a budget.
_AMOUNT_TEXT = re.compile(r"^\d+(\.\d{1,2})?$")
_CENT = Decimal("0.01")


class MoneyError(ValueError):
    """A value that is not an amount in yuan; the message is Chinese and shown to the clerk."""


def parse_amount(value: object) -> Decimal:
    """Read an amount in yuan (元) from YAML: an integer, a decimal with at most two places
    (分), or the same written as a string. Anything else raises :class:`MoneyError`."""
    if isinstance(value, bool):
        raise MoneyError("应为金额（元）")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str) and _AMOUNT_TEXT.match(value.strip().replace(",", "")):
        amount = Decimal(value.strip().replace(",", ""))
    else:
        raise MoneyError("应为金额（元），只写阿拉伯数字，如 80000")
    if not amount.is_finite():
        raise MoneyError("应为金额（元）")
    if amount < 0:
        raise MoneyError("金额不能为负数；调减请写在 reduction（调减）中")
    if amount != amount.quantize(_CENT):
        raise MoneyError("金额最多两位小数（分）")
    if amount >= MAX_AMOUNT:
        raise MoneyError("金额过大（超过十万亿元），请检查是否多写了位数")
    return amount


def quantize(value: Decimal, places: int = 2) -> Decimal:
    """Round half up, as finance reports do (四舍五入)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def wan(amount: Decimal | None) -> str:
    """Show yuan as 万元 with two decimals.

    >>> wan(Decimal(80000)), wan(None)
    ('8.00', '—')
    """
    if amount is None:
        return "—"
    return f"{quantize(amount / YUAN_PER_WAN):,.2f}"


def wan_exact(amount: Decimal | None) -> str:
    """Show yuan as 万元 without rounding: at least two decimals, more where the amount has
    them (a form's 89.974 万元 stays 89.974).

    >>> wan_exact(Decimal(899740)), wan_exact(Decimal(80000)), wan_exact(Decimal("0.5"))
    ('89.974', '8.00', '0.00005')
    """
    if amount is None:
        return "—"
    value = (amount / YUAN_PER_WAN).normalize()
    places = max(2, -value.as_tuple().exponent)  # type: ignore[operator]
    return f"{value:,.{places}f}"


def yuan(amount: Decimal | None) -> str:
    """Show the exact amount in yuan.

    >>> yuan(Decimal(80000)), yuan(Decimal("1.5"))
    ('80,000', '1.50')
    """
    if amount is None:
        return "—"
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return f"{amount:,.2f}"


def plain(amount: Decimal) -> str:
    """The amount as bare digits, as in a CSV cell or a search.

    >>> plain(Decimal("80000.00")), plain(Decimal("1.5"))
    ('80000', '1.5')
    """
    if amount == amount.to_integral_value():
        return format(amount.normalize(), "f")
    return format(amount, "f")


def ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """``part / whole`` as a fraction, or ``None`` where it is undefined (no figure, or zero)."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole


def percent(fraction: Decimal | None, *, signed: bool = False) -> str:
    """Show a fraction as a percentage with two decimals: 0.5 → "50.00%".

    A value that rounds to zero is "0.00%", never "-0.00%".

    >>> percent(Decimal("-0.00001"), signed=True)
    '0.00%'
    """
    if fraction is None:
        return "—"
    value = quantize(fraction * 100)
    if value == 0:
        value = abs(value)
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value:,.2f}%"


def round_fraction(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact fraction once, half up (四舍五入): 2/3 → 0.67.

    >>> round_fraction(Fraction(80))
    Decimal('80.00')
    >>> round_fraction(Fraction(1, 200))
    Decimal('0.01')
    """
    scale = 10**places
    scaled = value * scale
    whole = (abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator)
    return (Decimal(whole if scaled >= 0 else -whole) / scale).quantize(Decimal(1).scaleb(-places))


def fraction_text(value: Fraction | Decimal | None) -> str:
    """A score as shown: two decimals, rounded once; "" where there is none."""
    if value is None:
        return ""
    return f"{round_fraction(Fraction(value)):.2f}"


def change_amount(amount: Decimal | None) -> str:
    """A change in 万元 with its sign.

    >>> change_amount(Decimal(100000)), change_amount(Decimal(-35000)), change_amount(Decimal(0))
    ('+10.00 万元', '-3.50 万元', '0.00 万元')
    """
    if amount is None:
        return "—"
    value = quantize(amount / YUAN_PER_WAN)
    if value == 0:
        return "0.00 万元"
    return f"{'+' if value > 0 else '-'}{abs(value):,.2f} 万元"
