"""Publication records (公开记录): dates and index numbers, once written, change only through a
visible correction (更正记录).

``data/publication-records.json`` keeps what ``gongkai publish`` recorded. ``gongkai check``
replays each report's corrections over the recorded value and requires the file to agree.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.catalog import Catalog, ProjectYear
from gongkai.dates import PartialDate
from gongkai.errors import DataError
from gongkai.settings import Settings
from gongkai.yamledit import EditError, set_scalar

LEDGER_FILE = "publication-records.json"
EVENTS = {"targets": "绩效目标", "self_evaluation": "自评报告"}
INDEX_FIELD = "disclosure.index_number"


def event_field(event: str) -> str:
    return f"disclosure.{event}.published"


def record_key(entry: ProjectYear) -> str:
    """``2023/xiqu-xinfangju/baoan-feiyong``: one report, stable across builds."""
    return f"{entry.year}/{entry.department.slug}/{entry.slug}"


@dataclass
class Ledger:
    """What has been recorded as published: per report, field → value; per department and
    year, the last index-number serial used."""

    records: dict[str, dict[str, str]] = field(default_factory=dict)
    serials: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, data_dir: Path) -> Ledger:
        path = data_dir / LEDGER_FILE
        if not path.is_file():
            return cls()
        content = json.loads(path.read_text(encoding="utf-8"))
        return cls(content.get("records", {}), content.get("serials", {}))

    def save(self, data_dir: Path) -> None:
        content = {
            "说明": "公开记录，由 gongkai publish 写入，请勿手工修改；"
            "已公开内容的更改请在数据文件的 corrections 中登记。",
            "records": self.records,
            "serials": self.serials,
        }
        text = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (data_dir / LEDGER_FILE).write_text(text, encoding="utf-8")


def current_value(entry: ProjectYear, name: str) -> str | None:
    """The value of a recorded field in the report as it is now, as text."""
    disclosure = entry.report.disclosure
    if name == INDEX_FIELD:
        return disclosure.index_number
    for event in EVENTS:
        if name == event_field(event):
            published = getattr(disclosure, event).published
            return published.iso() if published else None
    return None


def verify(
    catalog: Catalog, ledger: Ledger, ledger_shown: str, until_year: int | None = None
) -> list[DataError]:
    """Every recorded value, after the report's corrections, must equal the file's value; a
    recorded report must still exist (years after ``until_year`` are not in the catalog)."""
    by_key = {record_key(entry): entry for entry in catalog.reports}
    errors = []
    for key, recorded in sorted(ledger.records.items()):
        if until_year is not None and int(key.split("/")[0]) > until_year:
            continue
        entry = by_key.get(key)
        if entry is None:
            errors.append(
                DataError(
                    ledger_shown,
                    None,
                    key,
                    "已公开的报告不见了（文件被删除、移动或改名）；已公开的记录不能删除，请恢复该文件",
                )
            )
            continue
        for name, value in sorted(recorded.items()):
            expected: str | None = value
            for correction in entry.report.corrections:
                if correction.field != name:
                    continue
                if correction.old != expected:
                    errors.append(
                        DataError(
                            entry.source,
                            entry.document.line_of(("corrections",)),
                            f"corrections（{name}）",
                            f"更正记录的原值 {correction.old} 与当时的记录 {expected} 不符",
                        )
                    )
                expected = correction.new
            now = current_value(entry, name)
            if now != expected:
                loc = tuple(name.split("."))
                errors.append(
                    DataError(
                        entry.source,
                        entry.document.line_of(loc),
                        name,
                        f"已公开的记录为 {expected}，现为 {now or '空'}；"
                        "更改已公开的记录须在 corrections 中登记更正"
                        f"（date 日期、field: {name}、old: {expected}、new 新值、reason 原因）",
                    )
                )
    return errors


@dataclass(frozen=True)
class Stamp:
    """One thing ``publish`` did, for its report to the clerk."""

    entry: ProjectYear
    field: str
    value: str
    action: str  # 记录公开日期 / 收录已有日期 / 编排索引号 / 收录已有索引号


def index_number(settings: Settings, entry: ProjectYear, serial: int) -> str:
    department = entry.department
    return settings.index_pattern.format(
        code=department.code or department.slug,
        department=department.slug,
        year=entry.year,
        serial=serial,
    )


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
    stamps: list[Stamp] = []
    try:
        for entry in sorted(catalog.reports, key=lambda e: (e.year, e.department.slug, e.slug)):
            if only is None or entry.source in only or entry.slug in only:
                stamps.extend(_publish_one(entry, ledger, settings, on, events))
    finally:
        # Files already stamped stay recorded even if a later file could not be edited.
        ledger.save(data_dir)
    return stamps


def _publish_one(
    entry: ProjectYear, ledger: Ledger, settings: Settings, on: dt.date, events: tuple[str, ...]
) -> list[Stamp]:
    stamps: list[Stamp] = []
    path = entry.path
    recorded = ledger.records.setdefault(record_key(entry), {})
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
    if entry.report.disclosure.index_number:
        if INDEX_FIELD not in recorded:
            recorded[INDEX_FIELD] = entry.report.disclosure.index_number
            stamps.append(Stamp(entry, INDEX_FIELD, recorded[INDEX_FIELD], "收录已有索引号"))
    elif published_any:
        counter = f"{entry.department.slug}/{entry.year}"
        serial = ledger.serials.get(counter, 0) + 1
        number = index_number(settings, entry, serial)
        set_scalar(path, ("disclosure", "index_number"), number)
        ledger.serials[counter] = serial  # spent only once the number is in the file
        recorded[INDEX_FIELD] = number
        stamps.append(Stamp(entry, INDEX_FIELD, number, "编排索引号"))
    if not recorded:
        del ledger.records[record_key(entry)]
    return stamps
