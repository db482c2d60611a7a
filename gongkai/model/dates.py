"""Dates of day or month precision (日期): real reports often give only the month."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


class DateError(ValueError):
    """A value that is not a date; the message is Chinese and shown to the clerk."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the day, or only to the month (``day`` is ``None``).

    Month precision is kept as such: "2023年2月批复" must never turn into 2023-02-01.
    """

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read ``2023-02-15`` (a YAML date or text) or ``2023-02`` (month precision)."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        if not isinstance(value, str):
            raise DateError("应为日期，如 2023-02-15，或只知月份时写 2023-02")
        match = _DATE_TEXT.match(value.strip())
        if not match:
            raise DateError("应为日期，如 2023-02-15，或只知月份时写 2023-02")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None and month is not None
        try:
            dt.date(year, month, day or 1)
        except ValueError:
            raise DateError("日期不存在（请检查月份和日）") from None
        return cls(year, month, day)

    @property
    def is_exact(self) -> bool:
        """True when the day is known."""
        return self.day is not None

    def certainly_before(self, other: PartialDate) -> bool:
        """True only when this date is earlier than ``other`` whatever day a month-precise date
        stands for (2023-02 is not certainly before 2023-02-10)."""
        if (self.year, self.month) != (other.year, other.month):
            return (self.year, self.month) < (other.year, other.month)
        return self.day is not None and other.day is not None and self.day < other.day

    def as_date(self) -> dt.date | None:
        """The exact date, or ``None`` at month precision."""
        return dt.date(self.year, self.month, self.day) if self.day else None

    def iso(self) -> str:
        """``2023-02-15`` or ``2023-02``: the form the data file uses."""
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}"

    def chinese(self) -> str:
        """``2023年2月15日`` or ``2023年2月``."""
        text = f"{self.year}年{self.month}月"
        return f"{text}{self.day}日" if self.day else text

    def __str__(self) -> str:
        return self.iso()
