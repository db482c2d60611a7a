"""``gongkai publish``: write publication dates and index numbers into the data files and the
publication records (公开记录) — once; later changes need a correction (see
``gongkai.checks.ledger``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gongkai.checks.ledger import EVENTS, INDEX_FIELD, Ledger, event_field
from gongkai.commands.yamledit import EditError, set_scalar
from gongkai.model.catalog import Catalog, ProjectYear
from gongkai.model.dates import PartialDate
from gongkai.settings import Settings


@dataclass(frozen=True)
class Stamp:
    """One thing ``publish`` did, for its report to the clerk."""

    entry: ProjectYear
    field: str
    value: str
    action: str  # 记录公开日期 / 收录已有日期 / 编排索引号 / 收录已有索引号


def index_number(settings: Settings, entry: ProjectYear, serial: int) -> str:
    department = entry.department
    if "{credit_code" in settings.index_pattern and not department.credit_code:
        raise EditError(
            f"data/departments.yml 部门 {department.slug} 未填写 credit_code（统一社会信用代码），"
            f"索引号格式 {settings.index_pattern} 需要它：请填写 18 位代码后重试"
        )
    return settings.index_pattern.format(
        credit_code=department.credit_code,
        code=department.code or department.slug,
        department=department.slug,
        year=entry.year,
        serial=serial,
    )


def _serial_of(settings: Settings, entry: ProjectYear, number: str, limit: int) -> int | None:
    """The serial the index pattern gives ``number`` for ``entry``, if it is one of the first
    ``limit`` (a number typed by hand in another form has none)."""
    try:
        return next(
            (s for s in range(1, limit + 1) if index_number(settings, entry, s) == number), None
        )
    except EditError:
        return None


def publish(
    catalog: Catalog,
    settings: Settings,
    on: dt.date,
    events: tuple[str, ...] = tuple(EVENTS),
    only: set[str] | None = None,
) -> list[Stamp]:
    """Stamp ``on`` as the publication date of approved, unpublished events; record dates and
    index numbers already present; number the reports that have none. Idempotent."""
    data_dir = settings.data_path
    ledger = Ledger.load(data_dir)
    # Numbers already given, in the files or the records: a run killed before it saved the
    # records has numbered files the serials do not count, and a number is never given twice.
    given = {e.report.disclosure.index_number for e in catalog.reports}
    given |= {fields[INDEX_FIELD] for fields in ledger.records.values() if INDEX_FIELD in fields}
    stamps: list[Stamp] = []
    try:
        for entry in sorted(catalog.reports, key=lambda e: (e.year, e.department.slug, e.slug)):
            if only is None or entry.source in only or entry.slug in only:
                stamps.extend(_publish_one(entry, ledger, settings, on, events, given))
    finally:
        # Files already stamped stay recorded even if a later file could not be edited.
        ledger.save(data_dir)
    return stamps


def _publish_one(
    entry: ProjectYear,
    ledger: Ledger,
    settings: Settings,
    on: dt.date,
    events: tuple[str, ...],
    given: set[str | None],
) -> list[Stamp]:
    stamps: list[Stamp] = []
    path = entry.path
    recorded = ledger.records.setdefault(entry.key, {})
    published_any = False
    for event in EVENTS:
        state = getattr(entry.report.disclosure, event)
        name = event_field(event)
        if state.published is not None:
            published_any = True
            if name not in recorded:
                recorded[name] = state.published.iso()
                stamps.append(Stamp(entry, name, recorded[name], "收录已有日期"))
            continue
        if event not in events or state.approved is None:
            continue
        if PartialDate.parse(on).certainly_before(state.approved):
            raise EditError(
                f"{entry.source}：公开日期 {on} 不能早于批复日期 {state.approved.iso()}"
            )
        set_scalar(path, ("disclosure", event, "published"), on.isoformat(), after="approved")
        recorded[name] = on.isoformat()
        published_any = True
        stamps.append(Stamp(entry, name, on.isoformat(), "记录公开日期"))
    counter = f"{entry.department.slug}/{entry.year}"
    if entry.report.disclosure.index_number:
        if INDEX_FIELD not in recorded:
            number = entry.report.disclosure.index_number
            recorded[INDEX_FIELD] = number
            stamps.append(Stamp(entry, INDEX_FIELD, number, "收录已有索引号"))
            # A number a killed run wrote before it saved the records: count its serial as
            # spent, so that the records end as an uninterrupted run leaves them.
            serial = _serial_of(settings, entry, number, len(given) + 1)
            if serial is not None and serial > ledger.serials.get(counter, 0):
                ledger.serials[counter] = serial
    elif published_any:
        serial = ledger.serials.get(counter, 0) + 1
        number = index_number(settings, entry, serial)
        while number in given:
            serial += 1
            number = index_number(settings, entry, serial)
        given.add(number)
        set_scalar(path, ("disclosure", "index_number"), number)
        ledger.serials[counter] = serial  # spent only once the number is in the file
        recorded[INDEX_FIELD] = number
        stamps.append(Stamp(entry, INDEX_FIELD, number, "编排索引号"))
    if not recorded:
        del ledger.records[entry.key]
    return stamps
