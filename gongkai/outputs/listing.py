"""项目一览: the full list of a year's projects (and of all projects) — its stable order for
the pages without script, and one small data file per list for sorting and filtering in the
browser.

A list's data file is a script (``gkList({...});``), not a ``.json`` file: a browser refuses to
fetch a file beside a page opened from disk, but runs a ``<script>`` from there. It holds the
figures exactly as the pages show them, so that a sorted or filtered view shows the same text
as the plain table; its size grows with the list (about 150 bytes a project) and is loaded only
by the list pages, only when the reader's browser runs script.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.checks.deadlines import Status
from gongkai.checks.figures import change
from gongkai.checks.ledger import EVENTS
from gongkai.model.catalog import Catalog, Project, ProjectYear
from gongkai.model.dates import PartialDate
from gongkai.model.money import quantize
from gongkai.model.report import BudgetYear, DocumentKind
from gongkai.outputs.opendata import DOWNLOADS
from gongkai.pages import list_pages
from gongkai.site import Site

LIST_DIR = f"{DOWNLOADS}/liebiao"
ALL_PROJECTS = "quanbu"  # the list of all projects, beside the years' lists

# The kinds a list can be filtered by, in this order (its index is what a row carries).
KINDS = (DocumentKind.TARGETS, DocumentKind.FORM, DocumentKind.REPORT)
KIND_LABELS = {
    DocumentKind.TARGETS: "绩效目标表",
    DocumentKind.FORM: "自评表",
    DocumentKind.REPORT: "自评报告",
}

Move = tuple[Decimal | None, Decimal | None]  # 实际执行 on the year before: amount, fraction


def list_path(which: int | str) -> str:
    """A list's data file in the built site: ``xiazai/liebiao/2023.js``, ``…/quanbu.js``."""
    return f"{LIST_DIR}/{which}.js"


def by_budget_order(entries: Iterable[ProjectYear]) -> list[ProjectYear]:
    """A year's projects in the list's stable order: the biggest 全年预算 first, those without
    one last, then by department and slug (two projects never trade places between builds)."""
    return sorted(
        entries,
        key=lambda e: (
            e.own_budget is None or e.own_budget.adjusted is None,
            -(e.own_budget.adjusted or 0) if e.own_budget else 0,
            e.department.slug,
            e.slug,
        ),
    )


def year_line(catalog: Catalog, entry: ProjectYear, year: int) -> BudgetYear | None:
    """The figures of ``entry``'s project for ``year``, from the newest report stating them."""
    project = catalog.project_of(entry)
    return next((b for b in reversed(project.budget_history()) if b.year == year), None)


def executed_moves(catalog: Catalog, entries: Iterable[ProjectYear], year: int) -> dict[str, Move]:
    """Each entry's 实际执行 change on the year before (its project's figures), by slug: the
    amount where both years state one, the fraction where the year before is not zero."""
    moves = {}
    for entry in entries:
        own, before = entry.own_budget, year_line(catalog, entry, year - 1)
        now, then = (own.executed if own else None), (before.executed if before else None)
        amount = now - then if now is not None and then is not None else None
        moves[entry.slug] = (amount, change(now, then))
    return moves


def _cents(value: Decimal | None) -> int | None:
    """An amount in 分, exact (amounts have at most two decimals): the list script shows it as
    the pages do, 万元 rounded half up on screen and the exact yuan on hover."""
    return None if value is None else int(value * 100)


def _hundredths(fraction: Decimal) -> int:
    """A fraction as hundredths of a percent, rounded as the pages round it (0.95324 → 9532)."""
    return int(quantize(fraction * 100) * 100)


def _rate(line: BudgetYear | None) -> int | str:
    """执行率 in hundredths of a percent, or why there is none, in the pages' words."""
    if line is not None and line.rate is not None:
        return _hundredths(line.rate)
    if line is None or line.executed is None:
        return "无执行数"
    return "无预算数" if line.adjusted is None else "预算为零"


def _change(amount: Decimal | None, fraction: Decimal | None) -> list[int | None] | None:
    """执行较上年: the amount in 分, and the percentage where the year before is not zero."""
    if amount is None:
        return None
    return [_cents(amount), None if fraction is None else _hundredths(fraction)]


def _kinds(entries: Iterable[ProjectYear]) -> int:
    """The kinds among ``entries`` as bits of :data:`KINDS` (1 绩效目标表, 2 自评表, 4 自评报告)."""
    present = {e.report.kind for e in entries}
    return sum(1 << i for i, kind in enumerate(KINDS) if kind in present)


def kind_words(documents: Iterable[ProjectYear]) -> str:
    """The kinds of ``documents`` in the lists' words and order (绩效目标表、自评表)."""
    bits = _kinds(documents)
    return "、".join(KIND_LABELS[kind] for i, kind in enumerate(KINDS) if bits & (1 << i))


def published_together(catalog: Catalog, entry: ProjectYear) -> tuple[ProjectYear, ...]:
    """The documents of ``entry``'s project-year: itself, or its 绩效目标表 and self-evaluation."""
    linked = catalog.year_documents(entry)
    return linked.documents if linked else (entry,)


class _Departments:
    """The departments a list names, each once, by index in the order first met."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.rows: list[list[str]] = []

    def __call__(self, entry: ProjectYear | Project) -> int:
        department = entry.department
        if department.slug not in self.index:
            self.index[department.slug] = len(self.rows)
            self.rows.append([department.slug, department.short_name or department.name])
        return self.index[department.slug]


# The first columns of both project lists: the name and its page, the department, the kinds
# of document (their filters take these positions).
_PROJECT_COLUMNS = (
    {"label": "项目名称", "type": "name"},
    {"label": "部门", "type": "department"},
    {"label": "公开的文件", "type": "kinds"},
)


def year_list_data(catalog: Catalog, year: int) -> dict[str, Any]:
    """The rows of a year's full list, in :func:`by_budget_order`: name and page, department,
    the kinds of document the project published that year, 全年预算, 实际执行, 执行率 and the
    change of 实际执行 on the year before."""
    entries = by_budget_order(catalog.counted(catalog.in_year(year)))
    moves = executed_moves(catalog, entries, year)
    department = _Departments()
    rows = []
    for entry in entries:
        own = entry.own_budget
        amount, fraction = moves[entry.slug]
        rows.append(
            [
                [entry.name, entry.slug],
                department(entry),
                _kinds(published_together(catalog, entry)),
                _cents(own.adjusted if own else None),
                _cents(own.executed if own else None),
                _rate(own),
                _change(amount, fraction),
            ]
        )
    return {
        "title": f"{year}年度全部项目",
        "columns": [
            *_PROJECT_COLUMNS,
            {"label": "全年预算", "type": "money"},
            {"label": "实际执行", "type": "money"},
            {"label": "执行率", "type": "rate"},
            {"label": "执行较上年", "type": "change"},
        ],
        "filters": _project_filters(amount=3, rate=5, what=""),
        "order": [3, "d"],
        "base": f"{year}/",  # a row's page: base + its slug
        "departments": department.rows,
        "kinds": [KIND_LABELS[k] for k in KINDS],
        "rows": rows,
    }


def _project_filters(amount: int, rate: int, what: str) -> list[dict[str, Any]]:
    """A project list's filters: department, kind of document, a name fragment, and ranges of
    全年预算 (typed in 万元, held in 分) and 执行率 (typed in %, held in hundredths). ``key`` is
    the filter's name in the page's address."""
    return [
        {"key": "bm", "column": 1, "type": "choice", "label": "部门", "all": "全部部门"},
        {
            "key": "lx",
            "column": 2,
            "type": "choice",
            "label": "公开的文件",
            "all": "全部",
            "prefix": "有",
        },
        {"key": "mc", "column": 0, "type": "text", "label": "项目名称包含"},
        {
            "key": "ys",
            "column": amount,
            "type": "range",
            "label": f"{what}全年预算（万元）",
            "scale": 1_000_000,
            "low": "不少于",
            "high": "不多于",
        },
        {
            "key": "zx",
            "column": rate,
            "type": "range",
            "label": f"{what}执行率（%）",
            "scale": 100,
            "low": "不低于",
            "high": "不高于",
        },
    ]


def project_order(projects: Iterable[Project]) -> list[Project]:
    """All projects in the list's stable order: by 网址名 (the pinyin of the name)."""
    return sorted(projects, key=lambda p: p.slug)


def projects_list_data(catalog: Catalog) -> dict[str, Any]:
    """The rows of the list of all projects, in :func:`project_order`: name and page,
    department, the kinds of document it published in any year, its years (newest first, each
    with its page), and the newest year's 全年预算 and 执行率."""
    department = _Departments()
    rows = []
    for project in project_order(catalog.projects.values()):
        latest = project.latest
        own = latest.own_budget
        rows.append(
            [
                [project.name, project.slug],
                department(project),
                _kinds(project.all_documents()),
                [_year_page(project, y) for y in sorted(project.years, reverse=True)],
                _cents(own.adjusted if own else None),
                _rate(own),
            ]
        )
    return {
        "title": "全部项目",
        "columns": [
            *_PROJECT_COLUMNS,
            {"label": "报告年度", "type": "years"},
            {"label": "最近年度全年预算", "type": "money"},
            {"label": "最近年度执行率", "type": "rate"},
        ],
        "filters": _project_filters(amount=4, rate=5, what="最近年度"),
        "order": None,  # the plain pages' order: by 网址名
        "order_words": "按项目的网址名（名称的拼音）排列",
        "base": "xiangmu/",
        "departments": department.rows,
        "kinds": [KIND_LABELS[k] for k in KINDS],
        "rows": rows,
    }


def _year_page(project: Project, year: int) -> int | list[int | str]:
    """A year of a project and its report's page: the year alone where the report's slug is the
    project's (``2023/<slug>``), else the year and that slug."""
    slug = project.years[year].slug
    return year if slug == project.slug else [year, slug]


def timeliness_pages(catalog: Catalog) -> dict[int, int]:
    """Pages of each year's events (公开时效，分年度): every year has its own, however few, so
    that a year's pages do not appear or vanish when later years are published (the archive
    stores a year's pages once)."""
    return {y: list_pages(len(catalog.in_year(y)) * len(EVENTS)) for y in catalog.years}


def events_path(year: int) -> str:
    """A year's events' data file: ``xiazai/liebiao/shixiao-2023.js``."""
    return list_path(f"shixiao-{year}")


def _date(value: PartialDate | dt.date | None) -> str | None:
    """A date as ``2023-06-15`` or ``2023-06``; the list script writes it as the pages do."""
    return None if value is None else PartialDate.parse(value).iso()


def events_list_data(site: Site, year: int) -> dict[str, Any]:
    """The rows of a year's 公开时效 list, in the site's order (department, project, event).
    Each report is one row holding its two events (绩效目标, 自评报告), which the list script
    shows as two: the project and its page and its department are written once. An event is
    its 批复, 公开期限 and 公开 dates and its verdict (the verdict's words by number: most
    events share a few)."""
    statuses = list(Status)
    labels: dict[str, int] = {}
    department = _Departments()
    rows = []
    for entry in site.catalog.in_year(year):
        row: list[Any] = [[entry.name, entry.slug], department(entry)]
        for event in site.events_of(entry):
            verdict = event.assessment
            label = labels.setdefault(verdict.label, len(labels))
            row.append(
                [
                    _date(event.state.approved),
                    _date(verdict.deadline),
                    _date(event.state.published),
                    [statuses.index(verdict.status), label],
                ]
            )
        rows.append(row)
    return {
        "title": f"{year}年度公开时效",
        "noun": "公开事项",
        "unit": "项",
        "shared": 2,  # a row's first two cells are its events' too; then one list per event
        "columns": [
            {"label": "项目", "type": "name"},
            {"label": "部门", "type": "department"},
            {"label": "公开事项", "type": "choice", "choices": list(EVENTS.values())},
            {"label": "批复", "type": "date", "absent": "报告未写明"},
            {"label": "公开期限", "type": "date", "absent": "无法确定"},
            {"label": "公开", "type": "date", "absent": "尚无公开记录"},
            {
                "label": "时效",
                "type": "choice",
                "choices": [s.value for s in statuses],
                "labels": list(labels),
                "classes": [f"gk-status gk-status-{s.name.lower()}" for s in statuses],
            },
        ],
        "filters": [
            {"key": "bm", "column": 1, "type": "choice", "label": "部门", "all": "全部部门"},
            {"key": "sx", "column": 2, "type": "choice", "label": "公开事项", "all": "全部"},
            {"key": "zt", "column": 6, "type": "choice", "label": "时效", "all": "全部"},
            {"key": "mc", "column": 0, "type": "text", "label": "项目名称包含"},
        ],
        "order": None,  # the site's order: by department and project
        "order_words": "按部门和项目排列",
        "base": f"{year}/",
        "departments": department.rows,
        "rows": rows,
    }


def list_script(data: dict[str, Any]) -> bytes:
    """The data file: one call of ``gkList`` with the list, deterministic and compact. The two
    line separators that older browsers do not accept inside a script's string are escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"gkList({text});\n".encode()


def write_lists(site: Site, site_dir: Path, only: set[str] | None = None) -> None:
    """Write the lists' data files; with ``only`` (the download bundles to write again, as
    :func:`gongkai.outputs.opendata.write_downloads` takes them), just the lists they touch: a
    year's projects and events, and the next year's projects, whose change on the year before
    they show."""
    catalog = site.catalog
    folder = site_dir / LIST_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for year in catalog.years:
        if only is None or str(year) in only or str(year - 1) in only:
            (site_dir / list_path(year)).write_bytes(list_script(year_list_data(catalog, year)))
    for year in timeliness_pages(catalog):
        if only is None or str(year) in only:
            (site_dir / events_path(year)).write_bytes(list_script(events_list_data(site, year)))
    if only is None or ALL_PROJECTS in only:
        data = projects_list_data(catalog)
        (site_dir / list_path(ALL_PROJECTS)).write_bytes(list_script(data))
