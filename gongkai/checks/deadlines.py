"""The 20-day rule (公开时限): 预算法 第十四条 — a department discloses within 20 days after the
finance bureau's approval. Calendar days; the day of approval is not counted.

Optionally (Civil Code 第二百零三条) a deadline falling on a statutory holiday or rest day moves
to the next working day, by the ``holidays`` package's Chinese calendar (with 调休 working days).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from gongkai.model.dates import PartialDate
from gongkai.model.report import DisclosureEvent

LEGAL_BASIS = (
    "《中华人民共和国预算法》第十四条：经本级政府财政部门批复的部门预算、决算及报表，"
    "应当在批复后二十日内由各部门向社会公开，并对部门预算、决算中机关运行经费的安排、使用情况等重要事项作出说明。"
)


class Status(StrEnum):
    """时效状态 of one disclosure event."""

    ON_TIME = "按时公开"
    LATE = "逾期公开"
    PENDING = "待公开"
    OVERDUE = "已逾期未公开"
    UNKNOWN = "无法核实"


@dataclass(frozen=True)
class DeadlineRule:
    """How deadlines are computed: the number of days, and whether holidays move them."""

    days: int = 20
    shift_to_working_day: bool = False

    @cached_property
    def _calendar(self) -> object:
        import holidays

        return holidays.China()

    def deadline(self, approved: dt.date) -> dt.date:
        """Approval + ``days`` calendar days; with the option, the next working day on or after."""
        last = approved + dt.timedelta(days=self.days)
        if self.shift_to_working_day:
            while not self._calendar.is_working_day(last):  # type: ignore[attr-defined]
                last += dt.timedelta(days=1)
        return last


@dataclass(frozen=True)
class Assessment:
    """公开时效: the verdict on one event, with the figures behind it."""

    status: Status
    deadline: dt.date | None = None
    days_used: int | None = None
    days_late: int | None = None
    days_left: int | None = None
    note: str = ""
    exact: bool = True  # both dates known to the day; otherwise a delay is only a lower bound

    @property
    def label(self) -> str:
        """按时公开（用时 12 天） / 逾期 3 天 / 待公开（剩 4 天） / …"""
        if self.status is Status.ON_TIME:
            return f"按时公开（用时 {self.days_used} 天）"
        # With a date known only to the month, a delay is a lower bound.
        bound = "" if self.exact else "至少"
        if self.status is Status.LATE:
            return f"{bound}逾期 {self.days_late} 天"
        if self.status is Status.PENDING:
            return f"待公开（剩 {self.days_left} 天）"
        if self.status is Status.OVERDUE:
            return f"已{bound}逾期 {self.days_late} 天未公开"
        return f"无法核实（{self.note}）" if self.note else "无法核实"


def _span(value: PartialDate) -> tuple[dt.date, dt.date]:
    """The first and last day a date can stand for (one day, or the whole month)."""
    if value.day is not None:
        day = dt.date(value.year, value.month, value.day)
        return day, day
    last = calendar.monthrange(value.year, value.month)[1]
    return dt.date(value.year, value.month, 1), dt.date(value.year, value.month, last)


def assess(event: DisclosureEvent, today: dt.date, rule: DeadlineRule | None = None) -> Assessment:
    """Judge one event on ``today``. Month-precise dates never make an event 按时公开: they give
    a verdict only when every day they could stand for gives the same one (e.g. certainly late)."""
    rule = rule or DeadlineRule()
    if event.approved is None:
        if event.published is not None:
            return Assessment(Status.UNKNOWN, note="未写明批复日期")
        return Assessment(Status.UNKNOWN, note="尚无批复日期")
    first_approval, last_approval = _span(event.approved)
    earliest, latest = rule.deadline(first_approval), rule.deadline(last_approval)
    exact_deadline = earliest if event.approved.is_exact else None
    if event.published is None:
        if today > latest:
            return Assessment(
                Status.OVERDUE,
                exact_deadline,
                days_late=(today - latest).days,
                exact=event.approved.is_exact,
            )
        if event.approved.is_exact:
            return Assessment(Status.PENDING, exact_deadline, days_left=(latest - today).days)
        return Assessment(Status.UNKNOWN, note="批复日期只精确到月，尚未公开")
    first_publication, _ = _span(event.published)
    exact = event.approved.is_exact and event.published.is_exact
    if first_publication > latest:
        return Assessment(
            Status.LATE, exact_deadline, days_late=(first_publication - latest).days, exact=exact
        )
    if event.approved.is_exact and event.published.is_exact:
        return Assessment(
            Status.ON_TIME, exact_deadline, days_used=(first_publication - first_approval).days
        )
    return Assessment(Status.UNKNOWN, exact_deadline, note="日期只精确到月")
