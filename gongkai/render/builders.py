"""One builder per page kind (页面类型): which pages of the kind exist, and the figures its
template shows, computed here so that templates only lay them out.

A new kind of page is a new :class:`PageKind` in :data:`KINDS` with its template; the planner,
the renderer and the hooks need no change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gongkai.checks.audit import Severity, form_total_gaps, tally
from gongkai.checks.deadlines import LEGAL_BASIS, Status
from gongkai.checks.figures import TrendRow, change, totals, trend
from gongkai.checks.indicators import filled_columns, layout
from gongkai.checks.ledger import EVENTS
from gongkai.checks.scoring import marked_down
from gongkai.checks.targets import TargetChange, comparisons, summarise
from gongkai.model.attachments import attachments_of
from gongkai.model.catalog import Catalog, Project, ProjectYear
from gongkai.model.dates import PartialDate
from gongkai.model.money import change_amount, percent, plain, wan
from gongkai.model.report import Department, DocumentKind, field_label
from gongkai.model.slug import pinyin_key
from gongkai.outputs.listing import (
    ALL_PROJECTS,
    Move,
    by_budget_order,
    events_path,
    executed_moves,
    kind_words,
    list_path,
    project_order,
    published_together,
    timeliness_pages,
)
from gongkai.outputs.opendata import (
    BUDGET_COLUMNS,
    INDICATOR_COLUMNS,
    all_downloads,
    project_downloads,
    year_downloads,
)
from gongkai.pages import (
    AUDIT,
    DATA,
    DEPARTMENTS,
    HOME,
    LIST_PAGE_SIZE,
    PROJECTS,
    TIMELINESS,
    VERSIONS_PAGE,
    SitePage,
    department_uri,
    department_year_uri,
    list_pages,
    project_uri,
    projects_list_uri,
    report_uri,
    timeliness_year_uri,
    version_folder,
    year_list_uri,
    year_uri,
)
from gongkai.render.charts import budget_chart, ranking_chart
from gongkai.site import Site

Context = dict[str, Any]
_HOME = (("首页", HOME),)  # the first step of every 当前位置
RANKED = 15  # projects in a year's chart (about 15 bars stay readable); the table lists all


@dataclass(frozen=True)
class PageKind:
    """A kind of generated page: its template, its pages, and the figures it shows."""

    template: str
    pages: Callable[[Catalog, bool], Iterable[SitePage]]
    context: Callable[[Site, SitePage], Context]


def plan(catalog: Catalog, with_audit: bool = False) -> list[SitePage]:
    """Every generated page, kind by kind in a fixed order so that builds are deterministic.
    The audit page is only for internal builds (``audit_page: true``); before the first report
    there is only the home page (inspections count an empty column as a fault)."""
    kinds = KINDS if catalog.reports else KINDS[:1]
    _dated.clear()
    try:
        return [page for kind in kinds for page in kind.pages(catalog, with_audit)]
    finally:
        _dated.clear()


def context(site: Site, page: SitePage) -> Context:
    """The figures of ``page`` for its template."""
    return _BY_TEMPLATE[page.template].context(site, page)


# --- shared figures ------------------------------------------------------------------------


def _by_budget(entries: Iterable[ProjectYear]) -> list[ProjectYear]:
    """The entries that state a 全年预算, the biggest first, in the full list's order."""
    return [
        e for e in by_budget_order(entries) if e.own_budget and e.own_budget.adjusted is not None
    ]


def _whole(entries: Iterable[ProjectYear]) -> list[ProjectYear]:
    """部门整体: the department-level reports among ``entries``."""
    return [e for e in entries if e.report.kind is DocumentKind.DEPARTMENT]


def _year_totals(catalog: Catalog) -> list[tuple[int, Any]]:
    return [
        (y, totals((e.name, e.own_budget) for e in catalog.counted(catalog.in_year(y))))
        for y in sorted(catalog.years)
    ]


def _trend_chart(rows: list[TrendRow], what: str) -> Any:
    return budget_chart([(f"{r.year}年", r.adjusted, r.line.executed) for r in rows], what)


# --- the kinds -----------------------------------------------------------------------------


def _home_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    yield SitePage(
        HOME,
        "首页",
        "home.html",
        None,
        "预算项目支出绩效信息公开",
        updated=_newest_of(catalog),
    )


def _home(site: Site, page: SitePage) -> Context:
    catalog = site.catalog
    latest = catalog.years[0] if catalog.years else None
    entries = catalog.counted(catalog.in_year(latest)) if latest else []
    history = _year_totals(catalog)
    return {
        "latest": latest,
        "entries": entries,
        "sum": totals((e.name, e.own_budget) for e in entries),
        # The way in, not the year's table: its five biggest projects.
        "biggest": _by_budget(entries)[:5],
        "chart": budget_chart(
            [(f"{y}年", s.adjusted, s.executed) for y, s in history], "各年度全部项目合计"
        ),
        "downloads": all_downloads(),
        # By the pinyin of the name a reader looks for, as a directory is.
        "departments": sorted(
            ((d, len(catalog.of_department(d.slug))) for d in _publishing(catalog)),
            key=lambda pair: (pinyin_key(pair[0].short_name or pair[0].name), pair[0].slug),
        ),
        # Projects, not documents: a project-year's two documents are one project.
        "year_counts": {y: len(catalog.counted(catalog.in_year(y))) for y in catalog.years},
        "several_departments": len(_publishing(catalog)) > 1,
    }


def _list_page(catalog: Catalog, uri: str, title: str, template: str, about: str) -> SitePage:
    """A page one step below home that covers every report: dated by the newest of them."""
    return SitePage(uri, title, template, None, about, trail=_HOME, updated=_newest_of(catalog))


def _projects_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    pages = list_pages(len(catalog.projects))
    for number in range(1, pages + 1):
        title = "全部项目" if number == 1 else f"全部项目（第 {number} 页）"
        about = "全部预算项目及其各年度报告" + (
            f"，第 {number} 页，共 {pages} 页" if pages > 1 else ""
        )
        yield SitePage(
            projects_list_uri(number),
            title,
            "projects.html",
            (number, pages),
            about,
            number == 1,  # the first page is in the navigation, the others through it
            trail=_HOME if number == 1 else (*_HOME, ("全部项目", PROJECTS)),
            updated=_newest_of(catalog),
        )


def _projects(site: Site, page: SitePage) -> Context:
    """One page of the list of all projects: a hundred in a stable order (by 网址名)."""
    number, pages = page.subject
    ordered = project_order(site.catalog.projects.values())
    start = (number - 1) * LIST_PAGE_SIZE
    shown = ordered[start : start + LIST_PAGE_SIZE]
    return {
        "projects": shown,
        "kinds": {p.slug: kind_words(p.all_documents()) for p in shown},
        "uri_page": lambda _year, n: projects_list_uri(n),
        "count": len(ordered),
        "number": number,
        "pages": pages,
        "first": start + 1,
        "page_size": LIST_PAGE_SIZE,
        "list_data": list_path(ALL_PROJECTS),
    }


def _departments_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    yield _list_page(
        catalog, DEPARTMENTS, "公开部门", "departments.html", "公开预算项目绩效信息的部门"
    )


def _departments(site: Site, page: SitePage) -> Context:
    catalog = site.catalog
    return {"rows": [(d, catalog.of_department(d.slug)) for d in _publishing(catalog)]}


def _timeliness_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    about = "各项目绩效目标与自评报告的批复、公开期限与公开日期"
    yield _list_page(catalog, TIMELINESS, "公开时效", "timeliness.html", about)


def _timeliness(site: Site, page: SitePage) -> Context:
    by_year = [(y, site.events_in(y)) for y in site.catalog.years]
    by_department = [
        (d, site.counts([r for e in site.catalog.of_department(d.slug) for r in site.events_of(e)]))
        for d in _publishing(site.catalog)
    ]
    return {
        "by_year": [(y, rows, site.counts(rows)) for y, rows in by_year],
        "by_department": by_department,
        "year_pages": timeliness_pages(site.catalog),
        # A hundred events or fewer are listed here whole (each year has its pages too).
        "whole": len(site.catalog.reports) * len(EVENTS) <= LIST_PAGE_SIZE,
        "counts": site.counts(site.events),
        "legal_basis": LEGAL_BASIS,
        "rule": site.settings.rule,
        "Status": Status,
    }


def _timeliness_year_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    for year, pages in timeliness_pages(catalog).items():
        for number in range(1, pages + 1):
            yield SitePage(
                timeliness_year_uri(year, number),
                f"{year}年度公开时效（第 {number} 页）",
                "timeliness_year.html",
                (year, number, pages),
                f"{year}年度各项目公开事项的批复、公开期限与公开日期，第 {number} 页，共 {pages} 页",
                False,
                trail=(*_HOME, ("公开时效", TIMELINESS)),
                updated=_newest_of(catalog, year),
            )


def _timeliness_year(site: Site, page: SitePage) -> Context:
    """A hundred events of one year, in the site's stable order (department, project, event)."""
    year, number, pages = page.subject
    rows = site.events_in(year)
    start = (number - 1) * LIST_PAGE_SIZE
    return {
        "year": year,
        "number": number,
        "pages": pages,
        "rows": rows[start : start + LIST_PAGE_SIZE],
        "first": start + 1,
        "page_size": LIST_PAGE_SIZE,
        "list_data": events_path(year),
        "count": len(rows),
        "counted": site.counts(rows),
        "Status": Status,
        "rule": site.settings.rule,
    }


def _data_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    yield _list_page(catalog, DATA, "数据下载", "data.html", "全部数据的下载与数据说明")


def _data(site: Site, page: SitePage) -> Context:
    return {
        "downloads": all_downloads(),
        "years": [(y, year_downloads(y)) for y in site.catalog.years],
        "budget_columns": BUDGET_COLUMNS,
        "indicator_columns": INDICATOR_COLUMNS,
    }


def _audit_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    if with_audit:
        yield _list_page(catalog, AUDIT, "自动审核（内部）", "audit.html", "报告自动审核结果")


def _audit(site: Site, page: SitePage) -> Context:
    by_source: dict[str, list[Any]] = {}
    for finding in site.findings:
        by_source.setdefault(finding.source, []).append(finding)
    return {
        "by_source": sorted(by_source.items()),
        "counts": tally(site.findings, lambda f: f.severity, Severity),
        "Severity": Severity,
    }


def _year_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    for year in catalog.years:
        yield SitePage(
            year_uri(year),
            f"{year}年度",
            "year.html",
            year,
            f"{year}年度项目支出绩效信息",
            in_nav=False,  # the home page lists the years (see gongkai.pages.navigation)
            trail=_HOME,
            updated=_newest_of(catalog, year),
        )


def _year(site: Site, page: SitePage) -> Context:
    catalog, year = site.catalog, page.subject
    entries = catalog.counted(catalog.in_year(year))
    biggest = _by_budget(entries)
    ranked = biggest[:RANKED]
    executed = executed_moves(catalog, entries, year)
    departments = _department_rows(catalog, year)
    return {
        "year": year,
        "entries": entries,
        "sum": totals((e.name, e.own_budget) for e in entries),
        "previous": {slug: m[1] for slug, m in executed.items()},
        "history": [(y, s) for y, s in _year_totals(catalog) if y <= year],
        "chart": ranking_chart(
            [(e.name, e.own_budget.adjusted, e.own_budget.executed) for e in ranked],  # type: ignore[union-attr]
            f"{year}年度全年预算最大的项目",
        ),
        "ranked_count": len(ranked),
        "downloads": year_downloads(year),
        "several_departments": len(_publishing(catalog)) > 1,
        "whole": _whole(catalog.in_year(year)),
        "targets": summarise(catalog, catalog.in_year(year)),
        "department_rows": departments,
        # Where many departments fill the table: the ones that spent least of their budget.
        "lowest": sorted(
            (r for r in departments if r.sum.included and r.sum.rate is not None),
            key=lambda r: (r.sum.rate, r.department.slug),
        )[:SHORT_LIST]
        if len(departments) > SHORT_LIST
        else [],
        "ranked_lists": _ranked_lists(entries, biggest, executed),
        "list_pages": list_pages(len(entries)),
    }


@dataclass(frozen=True)
class DepartmentYear:
    """部门年度合计: one department's projects in one year, for the year page's table."""

    department: Department
    sum: Any  # Totals of its projects this year
    executed_change: Any  # Decimal | None: on its projects' total of the year before


def _department_rows(catalog: Catalog, year: int) -> list[DepartmentYear]:
    """Each publishing department's totals for ``year``, biggest 全年预算 first. The change is
    of the whole reported total on the year before, given only where both years' totals are
    complete (a project without figures would make it a change of a different set)."""
    rows = []
    for department in _publishing(catalog):
        mine = catalog.of_department(department.slug)
        now = catalog.counted(e for e in mine if e.year == year)
        if not now:
            continue
        before = catalog.counted(e for e in mine if e.year == year - 1)
        this_sum = totals((e.name, e.own_budget) for e in now)
        last_sum = totals((e.name, e.own_budget) for e in before)
        comparable = before and this_sum.complete and last_sum.complete
        rows.append(
            DepartmentYear(
                department,
                this_sum,
                change(this_sum.executed, last_sum.executed) if comparable else None,
            )
        )
    return sorted(rows, key=lambda r: (-r.sum.adjusted, r.department.slug))


SHORT_LIST = 10  # a ranked list on the year page: never longer, whatever the district's size


@dataclass(frozen=True)
class Ranked:
    """A short ranked list of the year page (十大项目, 增减最多, 执行偏离): its heading, the first
    entries with the figure each is ranked by, and how many qualify in all."""

    id: str
    title: str
    items: list[tuple[ProjectYear, str]]
    total: int
    note: str = ""
    view: str | None = None  # the full list, sorted and filtered alike (its address's #…)


def _ranked_lists(
    entries: list[ProjectYear], biggest: list[ProjectYear], executed: dict[str, Move]
) -> list[Ranked]:
    """The questions a reader asks of a year: the biggest projects (``biggest``, as
    :func:`_by_budget` orders ``entries``), the largest increases and decreases of spending on
    the year before (``executed``, as :func:`~gongkai.outputs.listing.executed_moves` gives them), and execution far
    from the budget."""
    moves = [
        (e, amount, fraction)
        for e in entries
        for amount, fraction in [executed[e.slug]]
        if amount is not None
    ]
    rising = sorted((m for m in moves if m[1] > 0), key=lambda m: (-m[1], m[0].slug))
    falling = sorted((m for m in moves if m[1] < 0), key=lambda m: (m[1], m[0].slug))
    rates = [
        (e, e.own_budget.rate) for e in entries if e.own_budget and e.own_budget.rate is not None
    ]  # type: ignore[union-attr]
    under = sorted((r for r in rates if r[1] < Decimal("0.8")), key=lambda r: (r[1], r[0].slug))
    over = sorted((r for r in rates if r[1] > 1), key=lambda r: (-r[1], r[0].slug))

    lost = [(e, marked_down(e.report.performance.indicators)) for e in entries]
    short = sorted(
        ((e, sum(p for _, p in rows), len(rows)) for e, rows in lost if rows),
        key=lambda m: (-m[1], -m[2], m[0].slug),
    )

    def moved(m: tuple[ProjectYear, Decimal, Decimal | None]) -> str:
        share = f"（{percent(m[2], signed=True)}）" if m[2] is not None else ""
        return f"{change_amount(m[1])}{share}"

    lists = [
        Ranked(
            "zuida",
            "全年预算最大的项目",
            [(e, f"{wan(e.own_budget.adjusted)} 万元") for e in biggest[:SHORT_LIST]],  # type: ignore[union-attr]
            len(biggest),
            view="",
        ),
        Ranked(
            "zengjia",
            "实际执行较上年增加最多",
            [(m[0], moved(m)) for m in rising[:SHORT_LIST]],
            len(rising),
            "只比较上年也有实际执行数的项目。",
            "px=6d",
        ),
        Ranked(
            "jianshao",
            "实际执行较上年减少最多",
            [(m[0], moved(m)) for m in falling[:SHORT_LIST]],
            len(falling),
            "只比较上年也有实际执行数的项目。",
            "px=6a",
        ),
        Ranked(
            "dixu",
            "执行率低于 80%",
            [(e, percent(r)) for e, r in under[:SHORT_LIST]],
            len(under),
            view="zx=-79.99&px=5a",
        ),
        Ranked(
            "chaochu",
            "执行率超过 100%（实际执行多于全年预算）",
            [(e, percent(r)) for e, r in over[:SHORT_LIST]],
            len(over),
            view="zx=100.01-&px=5d",
        ),
        Ranked(
            "koufen",
            "自评有指标扣分的项目（目标未全部实现）",
            [(e, f"{n} 项指标扣分，共扣 {plain(p)} 分") for e, p, n in short[:SHORT_LIST]],
            len(short),
            "按报告所填的得分：得分低于分值的指标，即报告自认未全部实现的目标，按扣分多少排列；"
            "各指标的得分见项目页和本年度的指标数据下载。",
        ),
    ]
    return [r for r in lists if r.total]


def _year_list_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    for year in catalog.years:
        pages = list_pages(len(catalog.counted(catalog.in_year(year))))
        for number in range(1, pages + 1):
            page_words = f"（第 {number} 页）" if pages > 1 else ""
            yield SitePage(
                year_list_uri(year, number),
                f"{year}年度全部项目{page_words}",
                "year_list.html",
                (year, number, pages),
                f"{year}年度全部项目预算执行情况"
                + (f"，第 {number} 页，共 {pages} 页" if pages > 1 else ""),
                False,
                trail=(*_HOME, (f"{year}年度", year_uri(year))),
                updated=_newest_of(catalog, year),
            )


def _year_list(site: Site, page: SitePage) -> Context:
    """One page of a year's list: a hundred rows in a stable order, the biggest 全年预算 first."""
    catalog = site.catalog
    year, number, pages = page.subject
    ordered = by_budget_order(catalog.counted(catalog.in_year(year)))
    start = (number - 1) * LIST_PAGE_SIZE
    shown = ordered[start : start + LIST_PAGE_SIZE]
    return {
        "year": year,
        "number": number,
        "pages": pages,
        "entries": shown,
        "first": start + 1,
        "page_size": LIST_PAGE_SIZE,
        "count": len(ordered),
        "moves": executed_moves(catalog, shown, year),
        "kinds": {e.slug: kind_words(published_together(catalog, e)) for e in shown},
        "list_data": list_path(year),
    }


def _publishing(catalog: Catalog) -> list[Department]:
    """Departments with at least one report: an empty column is an inspection fault, so a
    department of the registry that has published nothing yet gets no page and no link."""
    return [d for d in catalog.departments.values() if catalog.of_department(d.slug)]


def _department_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    for department in _publishing(catalog):
        yield SitePage(
            department_uri(department),
            department.name,
            "department.html",
            department,
            "",
            False,
            trail=(*_HOME, ("公开部门", DEPARTMENTS)),
            updated=_newest(catalog.of_department(department.slug)),
            source=department.name,
        )


def _department(site: Site, page: SitePage) -> Context:
    department: Department = page.subject
    entries = site.catalog.of_department(department.slug)
    per_year = []
    for year in sorted({e.year for e in entries}, reverse=True):
        in_year = [e for e in entries if e.year == year]
        these = site.catalog.counted(in_year)
        per_year.append(
            (
                year,
                these,
                totals((e.name, e.own_budget) for e in these),
                _whole(in_year),
                summarise(site.catalog, in_year),
            )
        )
    return {"department": department, "per_year": per_year}


def _department_year_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    for department in _publishing(catalog):
        entries = catalog.of_department(department.slug)
        for year in sorted({e.year for e in _whole(entries)}, reverse=True):
            these = [e for e in entries if e.year == year]
            yield SitePage(
                department_year_uri(department, year),
                f"{department.name}{year}年度",
                "department_year.html",
                (department, year),
                f"{department.name}{year}年度部门整体支出绩效与项目绩效",
                False,
                trail=(
                    *_HOME,
                    ("公开部门", DEPARTMENTS),
                    (department.name, department_uri(department)),
                ),
                updated=_newest(these),
                source=department.name,
            )


def _department_year(site: Site, page: SitePage) -> Context:
    department, year = page.subject
    entries = [e for e in site.catalog.of_department(department.slug) if e.year == year]
    projects = site.catalog.counted(entries)
    return {
        "department": department,
        "year": year,
        "whole": _whole(entries),
        "projects": projects,
        "sum": totals((e.name, e.own_budget) for e in projects),
    }


def _project_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    for project in sorted(catalog.projects.values(), key=lambda p: p.slug):
        yield SitePage(
            project_uri(project),
            project.name,
            "project.html",
            project,
            f"{project.name}：历年预算与绩效报告",
            False,
            trail=(*_HOME, ("全部项目", PROJECTS)),
            updated=_newest(project.all_documents()),
            source=", ".join(sorted({e.department.name for e in project.all_documents()})),
        )


def _project(site: Site, page: SitePage) -> Context:
    project: Project = page.subject
    rows = trend(project.budget_history())
    return {
        "project": project,
        "rows": rows,
        "chart": _trend_chart(rows, f"{project.name}历年预算与执行"),
        "downloads": project_downloads(project),
    }


def _report_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    yield from _documents(catalog, narrative=True)


def _form_pages(catalog: Catalog, with_audit: bool) -> Iterable[SitePage]:
    yield from _documents(catalog, narrative=False)


def _documents(catalog: Catalog, narrative: bool) -> Iterable[SitePage]:
    """One page per narrative report, or per form (自评表, 绩效目标表, 部门整体)."""
    for entry in catalog.reports:
        if (entry.report.kind is DocumentKind.REPORT) != narrative:
            continue
        yield SitePage(
            report_uri(entry),
            f"{entry.name}（{entry.year}年度）",
            "report.html" if narrative else "form.html",
            entry,
            f"{entry.department.name}{entry.year}年度{entry.name}{entry.report.title}",
            False,
            trail=(
                *_HOME,
                (f"{entry.year}年度", year_uri(entry.year)),
                (entry.department.name, department_uri(entry.department)),
            ),
            published=(published := _release_date(entry)),
            updated=_corrected_after(entry, published),
            undated="" if published else _undated(entry),
            source=entry.report.disclosure.publisher or entry.department.name,
        )


def _report(site: Site, page: SitePage) -> Context:
    entry: ProjectYear = page.subject
    project = site.catalog.project_of(entry)
    indicators = entry.report.performance.indicators
    shown, blank = filled_columns(indicators)
    rows = trend(entry.report.budget)
    scores = site.scores(entry)
    events = site.events_of(entry)
    if entry.report.kind is not DocumentKind.REPORT:  # a form meets one deadline, not two
        events = [r for r in events if r.event == entry.report.kind.event]
    return {
        "entry": entry,
        "report": entry.report,
        "project": project,
        "rows": rows,
        "this_row": next((r for r in rows if r.year == entry.year), None),
        "has_previous": any(r.year < entry.year for r in rows),
        "chart": _trend_chart(rows, f"{entry.name}历年预算与执行"),
        "downloads": project_downloads(project),
        "own": entry.own_budget,
        "indicator_groups": _groups(layout(indicators)),
        "columns": shown,
        "blank_columns": blank,
        # Events with no date at all make one sentence, not a row of "not filled in".
        "events": [r for r in events if r.state.approved or r.state.published],
        "undated": [r for r in events if not (r.state.approved or r.state.published)],
        "scores": scores,
        "weighted": any(i.indicator.weight is not None for i in scores.indicators),
        "release_date": _release_date(entry),
        "fact_events": _fact_events(entry),
        "attachments": attachments_of(entry),
        "corrections": [(c, field_label(entry.report, c.field)) for c in entry.report.corrections],
        "kinds": DocumentKind,
        "changes": TargetChange,
        "form_columns": _form_columns(entry.report.kind, indicators),
        "fund_columns": _fund_columns(
            entry.report.kind, entry.report.form.funds, entry.report.form.fund_columns
        ),
        "fund_gaps": {index for index, *_ in form_total_gaps(entry.report.form.funds)},
        "department_year": (
            department_year_uri(entry.department, entry.year)
            if entry.report.kind is DocumentKind.DEPARTMENT
            else None
        ),
        **_year_documents(site, entry),
    }


def _year_documents(site: Site, entry: ProjectYear) -> Context:
    """The other documents of ``entry``'s project-year, each with its own 发布日期 and 20-day
    verdict, and the comparison of targets where ``entry`` is the self-evaluation."""
    documents = site.catalog.year_documents(entry)
    if documents is None:
        return {"year_documents": [], "target_rows": None, "targets_entry": None}
    listed = []
    for document in documents.documents:
        own_event = [r for r in site.events_of(document) if r.event == document.report.kind.event]
        listed.append((document, _release_date(document), own_event[0] if own_event else None))
    compared = comparisons(documents)
    rows = compared.get(entry.key)
    return {
        "year_documents": listed,
        "target_rows": rows,
        "target_counts": tally(rows or [], lambda r: r.change, TargetChange),
        "changed_count": sum(1 for r in rows or [] if r.change.differs),
        "targets_entry": documents.targets,
        "matched_by": documents.matched_by,
        "evaluation_changes": [
            (e, sum(1 for r in compared[e.key] if r.change.differs)) for e in documents.evaluations
        ],
    }


def _release_date(entry: ProjectYear) -> PartialDate | None:
    """发布日期: when the document this page shows was made public — a self-evaluation's own
    publication, a 绩效目标表's the targets'. The other event's date is not this document's."""
    return getattr(entry.report.disclosure, entry.report.kind.event).published


def _fact_events(entry: ProjectYear) -> list[tuple[str, Any]]:
    """The disclosure events the top of a report's page states: a form's own event; for a
    narrative report, those the data dates (else its own), so no empty pair is shown."""
    disclosure, own = entry.report.disclosure, entry.report.kind.event
    dated = [
        event
        for event in EVENTS
        if getattr(disclosure, event).approved or getattr(disclosure, event).published
    ]
    chosen = dated if entry.report.kind is DocumentKind.REPORT and dated else [own]
    return [(EVENTS[event], getattr(disclosure, event)) for event in chosen]


def _undated(entry: ProjectYear) -> str:
    """What a report's page says where its 发布日期 would stand when the data has none."""
    disclosure, own = entry.report.disclosure, entry.report.kind.event
    other = "targets" if own == "self_evaluation" else "self_evaluation"
    known = getattr(disclosure, other).published
    also = f"（{EVENTS[other]}于{known.chinese()}公开）" if known else ""
    return f"{entry.report.title}的公开日期尚无记录{also}。"


def _form_columns(kind: DocumentKind, indicators: list[Any]) -> list[tuple[str, str]]:
    """The form's indicator columns after the three levels: a 绩效目标表 has targets only."""
    if kind is DocumentKind.TARGETS:
        columns = [
            ("nature", "指标性质"),
            ("target", "年度指标值"),
            ("unit", "度量单位"),
            ("weight", "分值"),
        ]
    else:
        columns = [
            ("nature", "指标性质"),
            ("target", "年度指标值"),
            ("unit", "度量单位"),
            ("actual", "实际完成值"),
            ("weight", "分值"),
            ("score", "得分"),
            ("reason", "偏差原因分析及改进措施"),
        ]
    return [
        (k, label) for k, label in columns if any(getattr(i, k) is not None for i in indicators)
    ]


_FUND_COLUMNS = [
    ("initial", "年初预算数"),
    ("adjusted", "全年预算数"),
    ("executed", "全年执行数"),
    ("weight", "分值"),
    ("rate", "执行率"),
    ("score", "得分"),
    ("reason", "原因"),
]


def _fund_columns(
    kind: DocumentKind, funds: list[Any], stated: list[Any] | None = None
) -> list[tuple[str, str]]:
    """The money block's columns: those the form has where the data says which (a column the
    form lacks is never shown as left blank); otherwise those that hold something, and for a
    self-evaluation always the three amounts (a blank one is a gap), a 绩效目标表 only what it
    states."""
    if stated:
        own = {str(column) for column in stated}
        return [(k, label) for k, label in _FUND_COLUMNS if k in own]
    always = () if kind is DocumentKind.TARGETS else ("initial", "adjusted", "executed")
    return [
        (k, label)
        for k, label in _FUND_COLUMNS
        if k in always or any(getattr(r, k) is not None for r in funds)
    ]


def _order(date: PartialDate) -> tuple[int, int, int]:
    return (date.year, date.month, date.day or 0)


def _dates_of(entry: ProjectYear) -> tuple[PartialDate, ...]:
    """The days a report's content was made public: its publications and its corrections."""
    return entry.report.made_public


def _newest(entries: Iterable[ProjectYear]) -> PartialDate | None:
    """更新日期 of a page that gathers reports: the newest day any of them was made public."""
    return max((d for e in entries for d in _dates_of(e)), key=_order, default=None)


# 更新日期 of the whole site and of each year, worked out once during one plan(): a dozen list
# pages and every page of a paged list show the same one (keys: None for all, or a year).
_dated: dict[int | None, PartialDate | None] = {}


def _newest_of(catalog: Catalog, year: int | None = None) -> PartialDate | None:
    if year not in _dated:
        _dated[year] = _newest(catalog.reports if year is None else catalog.in_year(year))
    return _dated[year]


def _corrected_after(entry: ProjectYear, published: PartialDate | None) -> PartialDate | None:
    """更新日期 of a report's page: its newest correction, when later than its publication."""
    corrected = max((c.date for c in entry.report.corrections), key=_order, default=None)
    if corrected is None or (published is not None and _order(corrected) <= _order(published)):
        return None
    return corrected


def _groups(rows: list[Any]) -> list[list[Any]]:
    """Split indicator rows into one group per merged 一级 cell (one ``<tbody>`` each)."""
    groups: list[list[Any]] = []
    for row in rows:
        if row.level1_span or not groups:
            groups.append([])
        groups[-1].append(row)
    return groups


KINDS: list[PageKind] = [
    PageKind("home.html", _home_pages, _home),
    PageKind("projects.html", _projects_pages, _projects),
    PageKind("departments.html", _departments_pages, _departments),
    PageKind("timeliness.html", _timeliness_pages, _timeliness),
    PageKind("timeliness_year.html", _timeliness_year_pages, _timeliness_year),
    PageKind("data.html", _data_pages, _data),
    PageKind("audit.html", _audit_pages, _audit),
    PageKind("year.html", _year_pages, _year),
    PageKind("year_list.html", _year_list_pages, _year_list),
    PageKind("department.html", _department_pages, _department),
    PageKind("project.html", _project_pages, _project),
    PageKind("report.html", _report_pages, _report),
    PageKind("form.html", _form_pages, _report),
    PageKind("department_year.html", _department_year_pages, _department_year),
]
_BY_TEMPLATE = {kind.template: kind for kind in KINDS}


# --- the archive's versions (归档版本) --------------------------------------------------------


@dataclass(frozen=True)
class Version:
    """An archived version: the site as it stood when ``year`` was frozen (归档)."""

    year: int
    frozen: PartialDate  # the freeze date
    home: str  # its home page's source URI, under banben/<year>/


def versions(site: Site) -> list[Version]:
    """The archive's versions up to the one being built, newest first: the years frozen so
    far (their manifests) and the one being built now, frozen today."""
    from gongkai.checks.frozen import manifests

    assert site.settings.until_year is not None
    frozen = {m.year: PartialDate.parse(m.frozen) for m in manifests(site.settings.root)}
    frozen.setdefault(site.settings.until_year, PartialDate.parse(site.today))
    return [
        Version(year, date, version_folder(year) + HOME)
        for year, date in sorted(frozen.items(), reverse=True)
        if year <= site.settings.until_year
    ]


def archive_pages(site: Site, listed: list[Version]) -> list[SitePage]:
    """The list of versions (``listed``, from :func:`versions`), built with the newest
    version's pages at the archive's root."""
    if site.settings.version_folder:
        return []
    return [
        SitePage(
            VERSIONS_PAGE,
            "归档版本",
            "versions.html",
            listed,
            "本站每年归档一次，每个归档版本保留归档时的首页、项目和部门页面",
            in_nav=False,
            trail=_HOME,
            updated=listed[0].frozen,  # the newest freeze
        )
    ]


def archive_line(site: Site, listed: list[Version]) -> dict[str, str]:
    """What every page of an archive build says about its version, for the theme's line
    above the page: the version and its freeze date, on a version's own pages; else nothing
    but the link to the list of versions (a year's pages are the same in every version)."""
    line = {"versions": VERSIONS_PAGE.removesuffix("index.md")}
    if site.settings.version_folder:
        line["version"] = f"截至{site.settings.until_year}年度"
        line["frozen"] = next(
            v.frozen.chinese() for v in listed if v.year == site.settings.until_year
        )
    return line


def _versions(site: Site, page: SitePage) -> Context:
    return {"versions": page.subject, "newest": page.subject[0]}


_BY_TEMPLATE["versions.html"] = PageKind("versions.html", lambda _c, _a: [], _versions)
