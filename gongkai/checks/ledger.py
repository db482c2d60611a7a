"""Publication records (公开记录) and their check: dates and index numbers, once written,
change only through a visible correction (更正记录).

``data/publication-records.json`` keeps what ``gongkai publish`` recorded (the writing is in
``gongkai.commands.publish``). Every build and ``gongkai check`` replay each report's corrections
over the recorded value and require the file to agree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.checks.frozen import ARCHIVE_DIR, Manifest
from gongkai.files import write_text_atomically
from gongkai.model.catalog import Catalog, ProjectYear
from gongkai.model.errors import DataError, DataErrors

LEDGER_FILE = "publication-records.json"
EVENTS = {"targets": "绩效目标", "self_evaluation": "自评报告"}
INDEX_FIELD = "disclosure.index_number"


def event_field(event: str) -> str:
    return f"disclosure.{event}.published"


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
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise DataErrors([_damaged(path, None, "不是 UTF-8 文本")]) from None
        except json.JSONDecodeError as error:
            raise DataErrors(
                [_damaged(path, error.lineno, f"第{error.colno}列起无法读取")]
            ) from None
        records, serials = (
            (content.get("records"), content.get("serials"))
            if isinstance(content, dict)
            else (None, None)
        )
        if not _well_formed(records, serials):
            raise DataErrors(
                [_damaged(path, None, "内容结构不对：records 或 serials 缺失或被改动")]
            )
        return cls(records, serials)

    def save(self, data_dir: Path) -> None:
        content = {
            "说明": "公开记录，由 gongkai publish 写入，请勿手工修改；"
            "已公开内容的更改请在数据文件的 corrections 中登记。",
            "records": self.records,
            "serials": self.serials,
        }
        text = json.dumps(content, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        write_text_atomically(data_dir / LEDGER_FILE, text)


def _well_formed(records: object, serials: object) -> bool:
    return (
        isinstance(records, dict)
        and all(
            isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())
            for fields in records.values()
        )
        and isinstance(serials, dict)
        and all(isinstance(v, int) for v in serials.values())
    )


def _damaged(path: Path, line: int | None, what: str) -> DataError:
    """The publication records cannot be read: which file, where, and how to get them back."""
    return DataError(
        str(path),
        line,
        None,
        f"公开记录文件已损坏（{what}），可能是中断的复制、磁盘已满或手工修改造成的。"
        "这是已公开日期和索引号的法定记录，不能重新生成：请从 git 取回上一次提交的版本"
        f"（git checkout -- {path}），已归档年度的公开日期和索引号在归档清单（{ARCHIVE_DIR}/年度.json 的 records）中另有一份；"
        "恢复后运行 gongkai check 核对。",
    )


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
    by_key = {entry.key: entry for entry in catalog.reports}
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


def verify_against_archive(
    archived: list[Manifest], ledger: Ledger, ledger_shown: str
) -> list[DataError]:
    """The records against the copy each archive manifest (归档清单) took when its year was
    frozen: a value recorded then is never changed later (corrections live in the data files),
    so a missing or different value means the records file was damaged or restored from an
    old copy; the manifest names the value to put back."""
    errors = []
    for manifest in archived:
        for key, fields in sorted(manifest.records.items()):
            recorded = ledger.records.get(key, {})
            for name, value in sorted(fields.items()):
                if recorded.get(name) == value:
                    continue
                now = recorded.get(name)
                errors.append(
                    DataError(
                        ledger_shown,
                        None,
                        key,
                        f"{_FIELD_WORDS.get(name, name)}：归档清单 {ARCHIVE_DIR}/{manifest.year}.json"
                        f"（{manifest.frozen}归档）记为 {value}，公开记录里"
                        f"{'没有这一项' if now is None else f'却是 {now}'}；"
                        "公开记录文件可能是从旧的副本恢复的或被改动过。请从 git 取回最近一次提交的"
                        f"版本（git log -- {ledger_shown} 可查看各版本），或按归档清单补回此值，"
                        "然后运行 gongkai check 核对。",
                    )
                )
    return errors


_FIELD_WORDS = {
    INDEX_FIELD: "索引号",
    **{event_field(event): f"{words}的公开日期" for event, words in EVENTS.items()},
}
