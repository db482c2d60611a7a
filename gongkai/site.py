"""The site (网站数据): catalog, publication records and the 20-day assessments, loaded once and
checked together — what the hooks build from and what ``gongkai check`` reports on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from gongkai.checks import frozen
from gongkai.checks.audit import Finding, audit
from gongkai.checks.deadlines import Assessment, Status, assess
from gongkai.checks.ledger import EVENTS, LEDGER_FILE, Ledger, verify, verify_against_archive
from gongkai.checks.scoring import ScoreCard, score_report
from gongkai.checks.tally import tally
from gongkai.files import caching
from gongkai.model import slug as names
from gongkai.model.attachments import check_attachments
from gongkai.model.catalog import Catalog, ProjectYear, load_catalog
from gongkai.model.errors import DataError, DataErrors, field_path
from gongkai.model.parsedmemo import PARSED_MEMO
from gongkai.model.report import DisclosureEvent
from gongkai.settings import Settings, clock_today, today


@dataclass(frozen=True)
class EventRow:
    """One disclosure event of one report with its verdict (公开时效)."""

    entry: ProjectYear
    event: str  # "targets" or "self_evaluation"
    state: DisclosureEvent
    assessment: Assessment

    @property
    def label(self) -> str:
        return EVENTS[self.event]


@dataclass
class Site:
    """Everything a build or a check needs, valid as a whole."""

    settings: Settings
    catalog: Catalog
    ledger: Ledger
    today: dt.date
    _events_by_report: dict[str, list[EventRow]] = field(
        default_factory=dict, init=False, repr=False
    )

    @cached_property
    def events(self) -> list[EventRow]:
        """Every event of every report, newest year first."""
        return [row for entry in self.catalog.reports for row in self.events_of(entry)]

    @cached_property
    def findings(self) -> list[Finding]:
        """The automatic audit of every report (not published unless the site asks for it)."""
        return audit(self.catalog, self.settings.scoring)

    def scores(self, entry: ProjectYear) -> ScoreCard:
        return score_report(entry, self.settings.scoring)

    def events_in(self, year: int) -> list[EventRow]:
        """The events of one year, in the site's order, through the catalog's and the reports'
        indexes (a page per hundred events must not scan them all)."""
        return [row for entry in self.catalog.in_year(year) for row in self.events_of(entry)]

    def events_of(self, entry: ProjectYear) -> list[EventRow]:
        """The events of one report, assessed when first asked for: a rebuild of a few pages
        in a serve session must not assess every report of the site."""
        rows = self._events_by_report.get(entry.key)
        if rows is None:
            rows = []
            for event in EVENTS:
                state = getattr(entry.report.disclosure, event)
                rows.append(
                    EventRow(entry, event, state, assess(state, self.today, self.settings.rule))
                )
            self._events_by_report[entry.key] = rows
        return rows

    def counts(self, rows: list[EventRow]) -> dict[Status, int]:
        """Events by status (公开时效 counts)."""
        return tally(rows, lambda row: row.assessment.status, Status)

    def due_soon(self) -> list[EventRow]:
        """Pending events whose deadline is within ``due_soon_days``."""
        limit = self.settings.due_soon_days
        return [
            r
            for r in self.events
            if r.assessment.status is Status.PENDING and (r.assessment.days_left or 0) <= limit
        ]

    def overdue(self) -> list[EventRow]:
        return [r for r in self.events if r.assessment.status is Status.OVERDUE]


def future_dates(catalog: Catalog, on: dt.date) -> list[DataError]:
    """Dates later than ``on`` (the build day): a disclosure cannot have happened yet."""
    errors = []
    for entry in catalog.reports:
        for loc, label, value in entry.report.stated_dates:
            if (value.year, value.month, value.day or 1) > (on.year, on.month, on.day):
                errors.append(
                    DataError(
                        entry.source,
                        entry.document.line_of(loc),
                        field_path(loc),
                        f"{label} {value.iso()} 晚于今天（{on.isoformat()}）；"
                        "只能记录已经发生的日期，请核对年份和月份",
                    )
                )
    return errors


def load_site(settings: Settings, on: dt.date | None = None, parse_beside: bool = False) -> Site:
    """Read and check the data and its publication records; raise :class:`DataErrors` with every
    problem, or return the site. ``parse_beside``: a child may parse some of the data files
    (``load_catalog``)."""
    names.recall(settings.root)  # the names' URL names and pinyin, as earlier builds read them
    names.start_reading()  # where none is known, the dictionaries load while the data is read
    try:
        catalog = load_catalog(  # the site's name too: the feed is named by it
            settings.data_path,
            until_year=settings.until_year,
            names_too=[settings.site_name],
            memo=settings.root / PARSED_MEMO if caching() else None,
            parse_beside=parse_beside,
        )
    finally:
        names.stop_reading()
    ledger = Ledger.load(settings.data_path)
    ledger_shown = f"{settings.data_path.name}/{LEDGER_FILE}"
    errors = verify(catalog, ledger, ledger_shown, settings.until_year)
    archived = frozen.manifests(settings.root)  # read once: they hold every page's checksum
    errors += verify_against_archive(archived, ledger, ledger_shown)
    errors += frozen.verify(settings.root, settings.data_path, catalog, archived)
    day = on or today()
    # Against the clock, not SOURCE_DATE_EPOCH: an archived year rebuilt at its freeze date
    # may hold corrections made after it.
    errors += future_dates(catalog, on or clock_today())
    errors += check_attachments(catalog, settings.data_path)
    if errors:
        raise DataErrors(errors)
    return Site(settings, catalog, ledger, day)
