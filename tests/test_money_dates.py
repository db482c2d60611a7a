from decimal import Decimal

import pytest

from gongkai.model.dates import DateError, PartialDate
from gongkai.model.money import MoneyError, parse_amount, percent, ratio, wan, yuan


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (80000, Decimal(80000)),
        (Decimal("1.5"), Decimal("1.5")),
        ("80000", Decimal(80000)),
        ("1,200.05", Decimal("1200.05")),
        (0, Decimal(0)),
    ],
)
def test_amounts_are_exact(raw: object, expected: Decimal) -> None:
    assert parse_amount(raw) == expected
    assert isinstance(parse_amount(raw), Decimal)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("八万", "应为金额（元）"),
        ("8万", "应为金额（元）"),
        (True, "应为金额（元）"),
        (-1, "不能为负数"),
        (Decimal("1.234"), "最多两位小数"),
        (10**13, "金额过大"),
        (Decimal("NaN"), "应为金额"),
    ],
)
def test_bad_amounts_are_refused_in_chinese(raw: object, message: str) -> None:
    with pytest.raises(MoneyError, match=message):
        parse_amount(raw)


def test_wan_display_rounds_half_up_with_two_decimals() -> None:
    assert wan(Decimal(80000)) == "8.00"
    assert wan(Decimal(150000)) == "15.00"
    assert wan(Decimal(12345)) == "1.23"
    assert wan(Decimal(12350)) == "1.24"  # half up, not banker's rounding
    assert wan(Decimal(123456789)) == "12,345.68"
    assert wan(None) == "—"
    assert yuan(Decimal(80000)) == "80,000"
    assert yuan(Decimal("12.5")) == "12.50"


def test_ratio_and_percent() -> None:
    assert percent(ratio(Decimal(150000), Decimal(50000)) - 1, signed=True) == "+200.00%"
    assert percent(ratio(Decimal(1), Decimal(3))) == "33.33%"
    assert ratio(Decimal(1), Decimal(0)) is None
    assert percent(None) == "—"


def test_dates_keep_their_precision() -> None:
    month = PartialDate.parse("2023-02")
    assert (month.year, month.month, month.day) == (2023, 2, None)
    assert not month.is_exact and month.as_date() is None
    assert month.chinese() == "2023年2月"
    import datetime as dt

    day = PartialDate.parse(dt.date(2024, 2, 29))
    assert day.is_exact and day.iso() == "2024-02-29" and day.chinese() == "2024年2月29日"
    assert PartialDate.parse("2023-2-5").iso() == "2023-02-05"


@pytest.mark.parametrize(
    "raw", ["2023年2月", "2023-13", "2023-02-30", "2023/02/01", 20230201, None]
)
def test_bad_dates_are_refused(raw: object) -> None:
    with pytest.raises(DateError):
        PartialDate.parse(raw)
