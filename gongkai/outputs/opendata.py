"""Open data (数据下载): every report's figures as CSV (UTF-8 with BOM, for Excel), XLSX and
JSON — per project, per year and for everything — and a Fiscal Data Package.

The tables hold exact amounts in yuan, the same figures the pages show.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pickle
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, NamedTuple

import gongkai
from gongkai.checks.figures import trend
from gongkai.checks.targets import TargetRow, comparisons, stated_target
from gongkai.files import remove_leftovers
from gongkai.model.catalog import Catalog, Project, ProjectYear
from gongkai.model.money import YUAN_PER_WAN, plain, quantize
from gongkai.outputs import xlsx
from gongkai.outputs.kept import BundleDigest, KeptBundles
from gongkai.outputs.xlsx import RowTemplate

DOWNLOADS = "xiazai"
FDP_RESOURCE = "fdp-budget.csv"


@dataclass(frozen=True)
class Column:
    """A column of a table: its key, its Chinese header, what it means (数据说明) and its one
    type in every download: text, integer, amount (元, exact), rate (a fraction) or flag."""

    key: str
    header: str
    meaning: str
    kind: str = "text"

    @property
    def money(self) -> bool:
        return self.kind == "amount"

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


KIND_LABELS = {
    "text": "文字",
    "integer": "整数",
    "amount": '金额（元，精确到分；JSON 中为数字字符串，如 "80000"）',
    "rate": "比率（小数，1 即 100%，保留四位；JSON 中为数字字符串）",
    "flag": "是/否（JSON 中为 true/false；无法判断时为空）",
}

BUDGET_COLUMNS = (
    Column("department", "部门代号", "部门的代号（数据目录名）"),
    Column("department_name", "部门", "部门全称"),
    Column("project", "项目网址名", "项目的网址名（拼音），同一项目各年度相同"),
    Column("project_name", "项目名称", "项目名称"),
    Column(
        "document_kind",
        "文件种类",
        "自评报告、自评表、绩效目标表或部门整体（部门整体支出包含各项目，不要与项目相加）",
    ),
    Column("report_year", "报告年度", "这一行出自哪一年度的自评报告", "integer"),
    Column("year", "预算年度", "金额所属的年度（一份报告通常列出本年和上年）", "integer"),
    Column("initial", "年初预算（元）", "年初预算数，元", "amount"),
    Column("supplementary", "追加（元）", "年中追加的预算，元", "amount"),
    Column("reduction", "调减（元）", "年中调减的预算，元", "amount"),
    Column(
        "adjusted",
        "全年预算（元）",
        "全年预算数 = 年初预算 + 追加 − 调减，元（本站计算）",
        "amount",
    ),
    Column("executed", "实际执行（元）", "全年实际执行数，元", "amount"),
    Column("rate", "执行率", "实际执行 ÷ 全年预算（本站计算）", "rate"),
    Column(
        "adjusted_change",
        "全年预算较上年增减（元）",
        "本年全年预算 − 上年全年预算，元，减少为负数（本站计算；无上年数据时为空）",
        "amount",
    ),
    Column(
        "adjusted_change_rate",
        "全年预算较上年变化率",
        "全年预算较上年增减 ÷ 上年全年预算（本站计算）",
        "rate",
    ),
    Column(
        "executed_change",
        "实际执行较上年增减（元）",
        "本年实际执行 − 上年实际执行，元，减少为负数（本站计算）",
        "amount",
    ),
    Column(
        "executed_change_rate",
        "实际执行较上年变化率",
        "实际执行较上年增减 ÷ 上年实际执行（本站计算）",
        "rate",
    ),
    Column("stated_change", "报告所述较上年变化", "报告文字中写的较上年变化，原文照录"),
    Column(
        "stated_change_agrees",
        "报告所述变化与金额相符",
        "报告所述变化与本站按金额计算的变化是否相符（按报告所写的位数四舍五入比较）；"
        "报告未写或无法计算时为空",
        "flag",
    ),
    Column(
        "stated_change_unverifiable",
        "报告所述变化无法核对的原因",
        "报告所述变化无法与金额核对时的原因（如上年金额为零、缺少上年数据）；可核对时为空",
    ),
)

INDICATOR_COLUMNS = (
    Column("department", "部门代号", "部门的代号"),
    Column("project", "项目网址名", "项目的网址名"),
    Column("project_name", "项目名称", "项目名称"),
    Column("document_kind", "文件种类", "自评报告、自评表、绩效目标表或部门整体"),
    Column("report_year", "报告年度", "自评报告的年度", "integer"),
    Column("row", "序号", "指标在绩效目标表中的顺序，从 1 起", "integer"),
    Column("level1", "一级指标", "如 产出指标（旧表为 完成指标）、效益指标、满意度指标"),
    Column("level2", "二级指标", "如 数量指标、质量指标、时效指标、成本指标"),
    Column("name", "三级指标", "具体指标的名称"),
    Column("nature", "指标性质", "=、≥、≤ 或 定性"),
    Column("target", "指标值", "年度目标值，原文照录"),
    Column("unit", "度量单位", "如 元、%、人次"),
    Column("actual", "完成值", "实际完成值，原文照录"),
    Column("weight", "权重", "分值，原文照录", "text"),
    Column("score", "得分", "报告所填得分，原文照录", "text"),
    Column("reason", "未完成原因分析", "偏差原因分析及改进措施"),
    Column(
        "published_target",
        "年初目标",
        "同一项目年度随预算公开的绩效目标表中对应指标的指标值（仅自评表、自评报告，且有对应指标时）",
    ),
    Column(
        "target_change",
        "与年初目标对照",
        "一致、要求降低、要求提高、改动、年初未列、自评未写明、年初未写明或均未写明"
        "（本站比较）；没有同年度绩效目标表的为空",
    ),
)


def budget_rows(entries: Iterable[ProjectYear]) -> list[dict[str, Any]]:
    rows = []
    for entry in entries:
        for row in trend(entry.report.budget):
            line = row.line
            rows.append(
                {
                    "department": entry.department.slug,
                    "department_name": entry.department.name,
                    "project": entry.slug,
                    "project_name": entry.name,
                    "document_kind": entry.report.kind.value,
                    "report_year": entry.year,
                    "year": line.year,
                    "initial": line.initial,
                    "supplementary": line.supplementary,
                    "reduction": line.reduction,
                    "adjusted": line.adjusted,
                    "executed": line.executed,
                    "rate": _rate(row.rate),
                    "adjusted_change": row.adjusted_change_amount,
                    "adjusted_change_rate": _rate(row.adjusted_change),
                    "executed_change": row.executed_change_amount,
                    "executed_change_rate": _rate(row.executed_change),
                    "stated_change": line.stated_change,
                    "stated_change_agrees": row.stated_agrees,
                    "stated_change_unverifiable": row.unverifiable,
                }
            )
    return rows


def _rate(value: Decimal | None) -> Decimal | None:
    return None if value is None else quantize(value, 4)


def _compared(catalog: Catalog | None, entry: ProjectYear) -> dict[int, TargetRow]:
    """A self-evaluation's indicators, by place, with their match in its 绩效目标表."""
    documents = catalog.year_documents(entry) if catalog is not None else None
    if documents is None or entry not in documents.evaluations:
        return {}
    rows = comparisons(documents)[entry.key]
    return {r.listed_index: r for r in rows if r.listed_index is not None}


def indicator_rows(
    entries: Iterable[ProjectYear], catalog: Catalog | None = None
) -> list[dict[str, Any]]:
    rows = []
    for entry in entries:
        compared = _compared(catalog, entry)
        for number, indicator in enumerate(entry.report.performance.indicators, start=1):
            match = compared.get(number - 1)
            values = {k: (v.value if hasattr(v, "value") else v) for k, v in indicator}
            for key in ("weight", "score"):
                if values.get(key) is not None:
                    values[key] = plain(values[key])
            rows.append(
                {
                    "department": entry.department.slug,
                    "project": entry.slug,
                    "project_name": entry.name,
                    "document_kind": entry.report.kind.value,
                    "report_year": entry.year,
                    "row": number,
                    **values,
                    "published_target": stated_target(match.promised)
                    if match and match.promised
                    else None,
                    "target_change": match.change.value if match else None,
                }
            )
    return rows


def _cell(value: Any, column: Column | None = None) -> str:
    if value is None:
        return ""
    if column is not None and column.kind == "rate":
        return format(value, "f")  # four places always: 1.0000, not 1
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return plain(value)
    return str(value)


def typed(column: Column, value: Any) -> Any:
    """A value as JSON holds it: one type per column (amounts and rates as exact digits)."""
    if value is None:
        return None
    if column.kind == "rate":
        return format(value, "f")
    if column.kind == "amount":
        return plain(value)
    if column.kind == "integer":
        return int(value)
    if column.kind == "flag":
        return bool(value)
    return str(value)


def _json_value(value: Any) -> Any:
    """The data file's values for JSON: every number as exact digits in a string."""
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, bool | int | str) or value is None:
        return value
    if hasattr(value, "iso"):
        return value.iso()
    if hasattr(value, "value"):
        return value.value
    return str(value)


def _csv_lines(columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> str:
    """The CSV lines of ``rows``, without the header (a file is its header and such parts)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(row.get(c.key), c) for c in columns])
    return buffer.getvalue()


def _csv_head(columns: tuple[Column, ...]) -> str:
    """A CSV file's start: a BOM, so that Excel on Windows reads the Chinese right, and the
    header line."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([c.header for c in columns])
    return "\ufeff" + buffer.getvalue()


TABLES = (("预算", BUDGET_COLUMNS), ("绩效指标", INDICATOR_COLUMNS))  # a workbook's sheets


def _sheet_columns(columns: tuple[Column, ...]) -> list[tuple[int, Column, bool]]:
    """A sheet's columns: each table column (its place in a row's values), and after each
    amount in yuan the same amount in 万元."""
    laid: list[tuple[int, Column, bool]] = []
    for place, column in enumerate(columns):
        laid.append((place, column, False))
        if column.money:
            laid.append((place, column, True))
    return laid


# A workbook's sheets: title, columns, headers and widths.
_SHEETS = [(title, _sheet_columns(columns)) for title, columns in TABLES]
_SHEET_HEADS = [
    (
        title,
        [c.header.replace("（元）", "（万元）") if wan else c.header for _, c, wan in laid],
        [14.0 if c.money else 12.0 for _, c, _ in laid],
    )
    for title, laid in _SHEETS
]


def _workbook_row(table: int, values: tuple[Any, ...]) -> RowTemplate:
    """One row of sheet ``table`` of a workbook, from each column's value: amounts in yuan and
    in 万元, rates as percentages, flags in words."""
    cells: list[tuple[Any, int]] = []
    for place, column, in_wan in _SHEETS[table][1]:
        value = values[place]
        if value is None:
            cells.append((None, xlsx.PLAIN))
        elif column.money:
            cells.append((value / YUAN_PER_WAN, xlsx.WAN) if in_wan else (value, xlsx.YUAN))
        elif column.kind == "rate":
            cells.append((value, xlsx.RATE))
        elif column.kind == "flag":
            cells.append((_cell(value) or None, xlsx.PLAIN))
        elif isinstance(value, int | Decimal) and not isinstance(value, bool):
            cells.append((value, xlsx.PLAIN))
        else:
            cells.append((str(value) or None, xlsx.PLAIN))
    return xlsx.row_template(cells)


def _json_report(entry: ProjectYear, budget: list[dict[str, Any]]) -> str:
    """One report in full, as its data file holds it, with where it belongs and its figures
    (``budget``, its :func:`budget_rows`): one part of the JSON file, as
    ``json.dumps(indent=1)`` writes it inside the file's ``reports`` list (two levels in), so
    that a file is its head and such parts."""
    report = {
        "year": entry.year,
        "department": entry.department.model_dump(mode="json", exclude_none=True),
        "slug": entry.slug,
        "source": entry.source,
        "report": _json_value(
            entry.report.model_dump(mode="python", exclude_none=True, exclude_defaults=True)
        ),
        "figures": [
            {c.key: typed(c, row.get(c.key)) for c in BUDGET_COLUMNS[4:]} for row in budget
        ],
    }
    text = json.dumps(report, ensure_ascii=False, indent=1)
    return "\n".join("  " + line for line in text.split("\n"))  # JSON text has no raw newline


def _json_head() -> str:
    """A JSON file up to its ``reports`` list, which its parts then fill."""
    content = {
        "generator": f"gongkai {gongkai.__version__}",
        "currency": "CNY",
        "unit": "元",
        "note": "金额、权重和得分都以数字字符串给出（精确值，不经浮点换算）；"
        "figures 为本站按金额计算的数据，各列含义见网站“数据下载”页",
        "reports": [],
    }
    text = json.dumps(content, ensure_ascii=False, indent=1)
    assert text.endswith(_EMPTY_END)
    return text[: -len(_EMPTY_END)]


_EMPTY_END = "[]\n}"  # how json.dumps(indent=1) ends the file when it holds no report
_END = "\n ]\n}"  # and when it holds some


@dataclass(frozen=True)
class Download:
    """A downloadable file: its path in the site and its label."""

    path: str
    label: str


def _bundle(stem: str) -> list[Download]:
    return [
        Download(f"{DOWNLOADS}/{stem}.xlsx", "Excel（XLSX）"),
        Download(f"{DOWNLOADS}/{stem}-yusuan.csv", "预算 CSV"),
        Download(f"{DOWNLOADS}/{stem}-zhibiao.csv", "指标 CSV"),
        Download(f"{DOWNLOADS}/{stem}.json", "完整数据 JSON"),
    ]


def project_downloads(project: Project) -> list[Download]:
    return _bundle(f"xiangmu/{project.slug}")


def year_downloads(year: int) -> list[Download]:
    return _bundle(str(year))


def all_downloads() -> list[Download]:
    return [
        *_bundle("quanbu"),
        Download(f"{DOWNLOADS}/datapackage.json", "财政数据包（Fiscal Data Package）"),
    ]


class _EntryParts(NamedTuple):
    """What one project-year gives each bundle it is in: its workbook rows (made once, each
    workbook numbers them), its CSV lines and its JSON."""

    budget: list[RowTemplate]
    indicators: list[RowTemplate]
    budget_csv: str
    indicator_csv: str
    json: str


def _entry_parts(entry: ProjectYear, catalog: Catalog) -> _EntryParts:
    budget, indicators = budget_rows([entry]), indicator_rows([entry], catalog)
    return _EntryParts(
        [_workbook_row(0, tuple(row.get(c.key) for c in BUDGET_COLUMNS)) for row in budget],
        [_workbook_row(1, tuple(row.get(c.key) for c in INDICATOR_COLUMNS)) for row in indicators],
        _csv_lines(BUDGET_COLUMNS, budget),
        _csv_lines(INDICATOR_COLUMNS, indicators),
        _json_report(entry, budget),
    )


class _Bundle:
    """One download bundle (下载包: 预算 CSV, 指标 CSV, XLSX and JSON) written as its
    project-years come, so that no bundle is ever held whole in memory; each file under a
    temporary name until the bundle is complete, so that nobody downloads half a file."""

    def __init__(self, root: Path, stem: str, created: dt.date) -> None:
        self.paths = _bundle_paths(root, stem)
        self.digest = ""  # under which it is kept once written (see gongkai.outputs.kept)
        self.partial = [p.with_name(f".{p.name}.{os.getpid()}.tmp") for p in self.paths]
        self.streams: list[IO[str]] = []  # the two CSV files and the JSON
        self.workbook: xlsx.Workbook | None = None
        heads = (_csv_head(BUDGET_COLUMNS), _csv_head(INDICATOR_COLUMNS), _json_head())
        try:
            for partial, head in zip(self.partial, heads, strict=False):
                self.streams.append(partial.open("w", encoding="utf-8", newline=""))
                self.streams[-1].write(head)
            self.workbook = xlsx.Workbook(self.partial[3], _SHEET_HEADS, created, "gongkai")
        except BaseException:
            self.discard()
            raise
        self.reports = 0

    def add(self, parts: _EntryParts) -> None:
        budget, indicators, data = self.streams
        budget.write(parts.budget_csv)
        indicators.write(parts.indicator_csv)
        assert self.workbook is not None
        for row in parts.budget:
            self.workbook.add(0, row)
        for row in parts.indicators:
            self.workbook.add(1, row)
        data.write(",\n" if self.reports else "[\n")
        data.write(parts.json)
        self.reports += 1

    def close(self) -> None:
        self.streams[2].write((_END if self.reports else _EMPTY_END) + "\n")
        for stream in self.streams:
            stream.close()
        assert self.workbook is not None
        self.workbook.close()
        for partial, path in zip(self.partial, self.paths, strict=True):
            os.replace(partial, path)

    def discard(self) -> None:
        """Remove the files of a bundle left unfinished (the work failed)."""
        for stream in self.streams:
            stream.close()
        if self.workbook is not None:
            self.workbook.discard()
        for partial in self.partial:
            partial.unlink(missing_ok=True)


def _bundle_paths(root: Path, stem: str) -> list[Path]:
    """A bundle's files (its folder made if missing): the two CSV files, the JSON, the XLSX."""
    base = root / DOWNLOADS / stem
    base.parent.mkdir(parents=True, exist_ok=True)
    names = ("-yusuan.csv", "-zhibiao.csv", ".json", ".xlsx")
    return [base.with_name(base.name + suffix) for suffix in names]


class _Spool:
    """Each project-year's parts, made once for its year's bundle and the whole site's, kept on
    disk until its project's bundle is written (a project's years lie in several year bundles),
    so that memory does not grow with the number of project-years."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close(), after both passes
        self.where: dict[int, tuple[int, int]] = {}

    def put(self, entry: ProjectYear, parts: _EntryParts) -> bytes:
        """Spool the parts; their bytes (what the bundles' digests are made of)."""
        data = pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
        self.where[id(entry)] = (self.file.tell(), len(data))
        self.file.write(data)
        return data

    def raw(self, entry: ProjectYear) -> bytes:
        start, size = self.where[id(entry)]  # every entry is spooled before it is written
        self.file.seek(start)
        return self.file.read(size)

    def get(self, entry: ProjectYear) -> _EntryParts:
        parts: _EntryParts = pickle.loads(self.raw(entry))
        return parts

    def close(self) -> None:
        self.file.close()


def write_downloads(
    catalog: Catalog,
    site_dir: Path,
    created: dt.date,
    title: str,
    only: set[str] | None = None,
    kept: KeptBundles | None = None,
) -> None:
    """Every download of the site and the Fiscal Data Package; with ``only``, just the bundles
    named there (``xiangmu/<slug>``, a year, ``quanbu`` with the package). In a full write, a
    bundle ``kept`` from an earlier build with the same parts is put in place instead of
    written.

    Each project-year's parts are made once, in the site's order (newest year first, a year's
    together), and spooled to disk; then each year's bundle and the whole site's are written
    from the spool as they pass, and each project's bundle."""

    def wanted(stem: str) -> bool:
        return only is None or stem in only

    # A partial write (a serve session's, after an edit) neither uses nor keeps bundles: the
    # ones it writes are those that changed, and keeping each edit's whole-site bundle would fill
    # the disk over a long session. A full write keeps what it writes and removes the rest.
    kept = kept if kept is not None and only is None else KeptBundles(None)
    remove_leftovers(site_dir / DOWNLOADS)  # of a writer stopped midway (a build taken over)
    spool = _Spool()
    unfinished: list[_Bundle] = []

    def start(stem: str, digest: BundleDigest) -> _Bundle | None:
        """A bundle to write, or None when a kept one was put in place."""
        if kept.fetch(digest.hex(), _bundle_paths(site_dir, stem)):
            return None
        unfinished.append(bundle := _Bundle(site_dir, stem, created))
        bundle.digest = digest.hex()
        return bundle

    def finish(bundle: _Bundle) -> None:
        bundle.close()
        unfinished.remove(bundle)
        kept.keep(bundle.digest, bundle.paths)

    try:
        projects = [p for p in catalog.projects.values() if wanted(f"xiangmu/{p.slug}")]
        in_projects = {id(e) for p in projects for e in p.all_documents()}
        # Each year's entries, with its bundle's stem and digest (none when only the whole
        # site's bundle wants them).
        years: list[tuple[str, list[ProjectYear], BundleDigest | None]] = []
        # The workbook's date is in the files' bytes too.
        dated = f"workbook {created}".encode()
        whole = kept.digest(dated) if wanted("quanbu") else None
        for year, entries in groupby(catalog.reports, key=attrgetter("year")):
            in_year = kept.digest(dated) if wanted(str(year)) else None
            listed = []
            for entry in entries:
                if in_year is not None or whole is not None or id(entry) in in_projects:
                    listed.append(entry)
                    part = spool.put(entry, _entry_parts(entry, catalog))
                    for digest in (in_year, whole):
                        if digest is not None:
                            digest.add(part)
            if in_year is not None or whole is not None:
                years.append((str(year), listed, in_year))

        everything = start("quanbu", whole) if whole is not None else None
        for stem, entries, digest in years:
            in_year = start(stem, digest) if digest is not None else None
            takers = [bundle for bundle in (everything, in_year) if bundle is not None]
            for entry in entries if takers else ():
                parts = spool.get(entry)
                for bundle in takers:
                    bundle.add(parts)
            if in_year is not None:
                finish(in_year)
        if everything is not None:
            finish(everything)
        for project in projects:  # each of its project-years is spooled above
            entries = project.all_documents()
            project_digest = kept.digest(dated)
            for entry in entries:
                project_digest.add(spool.raw(entry))
            bundle = start(f"xiangmu/{project.slug}", project_digest)
            if bundle is not None:
                for entry in entries:
                    bundle.add(spool.get(entry))
                finish(bundle)
    except BaseException:
        for bundle in unfinished:
            bundle.discard()
        raise
    finally:
        spool.close()
    kept.prune()
    if wanted("quanbu"):
        write_fiscal_package(catalog, site_dir / DOWNLOADS, title)


# --- Fiscal Data Package ---------------------------------------------------------------------

FDP_FIELDS = (
    ("year", "integer", "预算年度"),
    ("department", "string", "部门代号"),
    ("department_name", "string", "部门"),
    ("project", "string", "项目网址名"),
    ("project_name", "string", "项目名称"),
    ("approved", "number", "年初预算（元）"),
    ("adjusted", "number", "全年预算（元）"),
    ("executed", "number", "实际执行（元）"),
)


def write_fiscal_package(catalog: Catalog, directory: Path, title: str) -> None:
    """``datapackage.json`` with the fiscal ``model``, and its CSV: one row per project and
    year, from the report of that year (no figure counted twice: a project-year's 绩效目标表
    beside its self-evaluation, and a department's whole spending, are left to the other
    downloads)."""
    rows = []
    counted = catalog.counted(catalog.reports)
    for entry in sorted(counted, key=lambda e: (e.year, e.department.slug, e.slug)):
        own = entry.own_budget
        rows.append(
            [entry.year, entry.department.slug, entry.department.name, entry.slug, entry.name]
            + [_cell(getattr(own, k) if own else None) for k in ("initial", "adjusted", "executed")]
        )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in FDP_FIELDS])
    writer.writerows(rows)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / FDP_RESOURCE).write_text(buffer.getvalue(), encoding="utf-8")
    measure = {"currency": "CNY", "direction": "expenditure", "factor": 1}
    descriptor = {
        "name": "gongkai-budget-performance",
        "title": title,
        "profile": "tabular-data-package",
        "resources": [
            {
                "name": "budget",
                "path": FDP_RESOURCE,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": n, "type": t, "title": d} for n, t, d in FDP_FIELDS],
                    "primaryKey": ["year", "project"],
                },
            }
        ],
        "model": {
            "measures": {
                "approved": {
                    "source": "approved",
                    **measure,
                    "phase": "approved",
                    "title": "年初预算",
                },
                "adjusted": {
                    "source": "adjusted",
                    **measure,
                    "phase": "adjusted",
                    "title": "全年预算",
                },
                "executed": {
                    "source": "executed",
                    **measure,
                    "phase": "executed",
                    "title": "实际执行",
                },
            },
            "dimensions": {
                "date": {
                    "dimensionType": "datetime",
                    "primaryKey": ["year"],
                    "attributes": {"year": {"source": "year"}},
                },
                "administrative-classification": {
                    "dimensionType": "administrative-classification",
                    "primaryKey": ["department"],
                    "attributes": {
                        "department": {"source": "department"},
                        "department_name": {"source": "department_name", "labelfor": "department"},
                    },
                },
                "activity": {
                    "dimensionType": "activity",
                    "primaryKey": ["project"],
                    "attributes": {
                        "project": {"source": "project"},
                        "project_name": {"source": "project_name", "labelfor": "project"},
                    },
                },
            },
        },
    }
    text = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
    (directory / "datapackage.json").write_text(text, encoding="utf-8")
