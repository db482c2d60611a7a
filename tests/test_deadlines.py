"""The 20-day rule: deadline arithmetic, the holiday option, and every status."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.checks.deadlines import DeadlineRule, Status, assess
from gongkai.model.dates import PartialDate
from gongkai.model.report import DisclosureEvent

D = dt.date
PLAIN = DeadlineRule()
SHIFT = DeadlineRule(shift_to_working_day=True)


@pytest.mark.parametrize(
    ("approved", "deadline"),
    [
        (D(2024, 1, 31), D(2024, 2, 20)),  # across a month end
        (D(2024, 2, 10), D(2024, 3, 1)),  # leap year: 29 days in February
        (D(2023, 2, 10), D(2023, 3, 2)),  # common year
        (D(2023, 12, 20), D(2024, 1, 9)),  # across a year end
        (D(2024, 2, 29), D(2024, 3, 20)),  # from a leap day
    ],
)
def test_deadline_is_approval_plus_twenty_calendar_days(
    approved: dt.date, deadline: dt.date
) -> None:
    assert PLAIN.deadline(approved) == deadline


def test_holiday_option_moves_a_spring_festival_deadline() -> None:
    # 2024-01-21 + 20 = 2024-02-10, the first day of 春节; the holiday (with 补假 and 调休)
    # runs to 2024-02-17, and Sunday 2024-02-18 is a 调休 working day.
    assert PLAIN.deadline(D(2024, 1, 21)) == D(2024, 2, 10)
    assert SHIFT.deadline(D(2024, 1, 21)) == D(2024, 2, 18)


def test_holiday_option_moves_a_weekend_deadline_and_leaves_working_days() -> None:
    assert PLAIN.deadline(D(2024, 2, 11)) == D(2024, 3, 2)  # a Saturday
    assert SHIFT.deadline(D(2024, 2, 11)) == D(2024, 3, 4)
    assert SHIFT.deadline(D(2024, 2, 13)) == D(2024, 3, 4)  # a Monday stays
    assert SHIFT.deadline(D(2023, 1, 8)) == D(
        2023, 1, 28
    )  # Saturday 2023-01-28 was a 调休 working day


def event(approved: str | None, published: str | None = None) -> DisclosureEvent:
    return DisclosureEvent(approved=approved, published=published)


TODAY = D(2024, 3, 1)


@pytest.mark.parametrize(
    ("approved", "published", "status", "label"),
    [
        ("2024-01-31", "2024-02-20", Status.ON_TIME, "按时公开（用时 20 天）"),
        ("2024-01-31", "2024-02-01", Status.ON_TIME, "按时公开（用时 1 天）"),
        ("2024-01-31", "2024-02-21", Status.LATE, "逾期 1 天"),
        ("2024-01-05", "2024-02-28", Status.LATE, "逾期 34 天"),
        ("2024-02-20", None, Status.PENDING, "待公开（剩 10 天）"),
        ("2024-02-10", None, Status.PENDING, "待公开（剩 0 天）"),
        ("2024-02-09", None, Status.OVERDUE, "已逾期 1 天未公开"),
        ("2023-02", "2023-03", Status.UNKNOWN, "无法核实（日期只精确到月）"),
        ("2024-01-31", "2024-02", Status.UNKNOWN, "无法核实（日期只精确到月）"),
        ("2023-02", "2023-04-01", Status.LATE, "至少逾期 12 天"),
        ("2023-12", None, Status.OVERDUE, "已至少逾期 41 天未公开"),
        ("2024-02", None, Status.UNKNOWN, "无法核实（批复日期只精确到月，尚未公开）"),
        (None, "2024-02-01", Status.UNKNOWN, "无法核实（未写明批复日期）"),
        (None, None, Status.UNKNOWN, "无法核实（尚无批复日期）"),
    ],
)
def test_each_status(
    approved: str | None, published: str | None, status: Status, label: str
) -> None:
    result = assess(event(approved, published), TODAY)
    assert result.status is status
    assert result.label == label


def test_month_precision_is_never_on_time() -> None:
    for month in range(1, 13):
        for published_month in range(month, 13):
            for approved, published in [
                (f"2023-{month:02d}", f"2023-{published_month:02d}"),
                (f"2023-{month:02d}", f"2023-{published_month:02d}-15"),
                (f"2023-{month:02d}-15", f"2023-{published_month:02d}"),
            ]:
                verdict = assess(event(approved, published), TODAY).status
                assert verdict in (Status.UNKNOWN, Status.LATE), (approved, published)


def test_a_month_precise_date_is_not_turned_into_a_day() -> None:
    assert PartialDate.parse("2023-02").as_date() is None
    assert assess(event("2023-02", "2023-03"), TODAY).deadline is None


def test_settings_turn_the_holiday_option_on(tmp_path: object) -> None:
    from pathlib import Path

    from gongkai.settings import read_mkdocs_yml

    config = Path(str(tmp_path)) / "mkdocs.yml"
    config.write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "extra:\n  gongkai:\n    shift_to_working_day: true\n    deadline_days: 15\n",
        encoding="utf-8",
    )
    settings = read_mkdocs_yml(config, environ={})
    assert settings.rule == DeadlineRule(days=15, shift_to_working_day=True)
    assert read_mkdocs_yml(Path(str(tmp_path)) / "missing.yml", environ={}).rule == PLAIN
    event_on_holiday = event("2024-01-21", "2024-02-18")
    assert assess(event_on_holiday, TODAY, PLAIN).status is Status.LATE
    assert assess(event_on_holiday, TODAY, SHIFT).status is Status.ON_TIME
