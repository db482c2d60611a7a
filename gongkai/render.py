"""Rendering pages (页面渲染) from jinja2 templates, escaping every value from the data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup, escape

from gongkai import money
from gongkai.audit import Severity, counts
from gongkai.catalog import Project, ProjectYear
from gongkai.charts import budget_chart, ranking_chart
from gongkai.deadlines import LEGAL_BASIS, Status
from gongkai.figures import change, totals, trend
from gongkai.indicators import filled_columns, layout
from gongkai.opendata import (
    BUDGET_COLUMNS,
    INDICATOR_COLUMNS,
    Download,
    all_downloads,
    project_downloads,
    year_downloads,
)
from gongkai.pages import (
    AUDIT,
    DATA,
    DEPARTMENTS,
    HOME,
    PROJECTS,
    TIMELINESS,
    SitePage,
    department_uri,
    page_url,
    project_uri,
    relative_url,
    report_uri,
    year_uri,
)
from gongkai.site import Site

_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Heading:
    """A section heading of a rendered page, for the table of contents."""

    level: int
    id: str
    title: str


def headings(html: str) -> list[Heading]:
    """The h2/h3 headings with ids, in order (the templates give every section one)."""
    return [
        Heading(int(level), anchor, _TAG.sub("", text).strip())
        for level, anchor, text in _HEADING.findall(html)
    ]


def paragraphs(text: str | None) -> Markup:
    """Text as paragraphs: a blank line separates paragraphs, a line break stays a break."""
    if text is None:
        return Markup('<p class="gk-missing">（未填写）</p>')
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text.strip("\n")) if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string for a ``<style>`` block: every character that could end the
    string, the rule or the element is written as a hex escape."""
    safe = "".join(
        ch if ch.isalnum() or (ord(ch) > 127 and ch.isprintable()) else f"\\{ord(ch):06x}"
        for ch in text
    )
    return Markup(f'"{safe}"')


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gongkai", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        wan=money.wan,
        yuan=money.yuan,
        percent=money.percent,
        signed=lambda v: money.percent(v, signed=True),
        change_wan=money.change_amount,
        paragraphs=paragraphs,
        score=lambda v: "" if v is None else money.fraction_text(v),
        css_string=css_string,
    )
    return env


class Renderer:
    """Renders the generated pages of one site. Links are relative, so the built folder works
    from any path, from a web server or opened from disk."""

    def __init__(
        self, site: Site, site_name: str = "", directory_urls: bool = True, site_url: str = ""
    ) -> None:
        self.site = site
        self.catalog = site.catalog
        self.site_name = site_name
        self.directory_urls = directory_urls
        self.site_url = site_url.rstrip("/") + "/" if site_url else ""
        self.env = _environment()

    def render(self, page: SitePage) -> str:
        here = page_url(page.src_uri, self.directory_urls)

        def link(src_uri: str) -> str:
            return relative_url(here, page_url(src_uri, self.directory_urls))

        def asset(path: str) -> str:
            return relative_url(here, path)

        def files(items: list[Download]) -> list[dict[str, str]]:
            return [{"href": asset(item.path), "label": item.label} for item in items]

        context = {
            "page": page,
            "page_address": (self.site_url or "/") + here,
            "catalog": self.catalog,
            "today": self.site.today,
            "Status": Status,
            "site_name": self.site_name,
            "link": link,
            "asset": asset,
            "files": files,
            "uri": {
                "home": HOME,
                "projects": PROJECTS,
                "departments": DEPARTMENTS,
                "timeliness": TIMELINESS,
                "audit": AUDIT,
                "data": DATA,
                "year": year_uri,
                "report": report_uri,
                "project": project_uri,
                "department": department_uri,
            },
            **self._context(page),
        }
        return self.env.get_template(page.template).render(context)

    def _context(self, page: SitePage) -> dict[str, Any]:
        subject = page.subject
        catalog = self.catalog
        if page.template == "home.html":
            latest = catalog.years[0] if catalog.years else None
            entries = catalog.in_year(latest) if latest else []
            history = self._department_totals()
            return {
                "latest": latest,
                "entries": entries,
                "sum": totals((e.name, e.own_budget) for e in entries),
                "chart": budget_chart(
                    [(f"{y}年", s.adjusted, s.executed) for y, s in history], "各年度全部项目合计"
                ),
                "downloads": all_downloads(),
            }
        if page.template == "year.html":
            entries = catalog.in_year(subject)
            return {
                "year": subject,
                "entries": entries,
                "sum": totals((e.name, e.own_budget) for e in entries),
                "previous": {e.slug: self._executed_change(e, subject) for e in entries},
                "history": self._department_totals(),
                "chart": _ranking(entries, f"{subject}年度全年预算最大的项目"),
                "downloads": year_downloads(subject),
            }
        if page.template == "department.html":
            entries = catalog.of_department(subject.slug)
            per_year = []
            for year in sorted({e.year for e in entries}, reverse=True):
                these = [e for e in entries if e.year == year]
                per_year.append((year, these, totals((e.name, e.own_budget) for e in these)))
            return {"department": subject, "per_year": per_year}
        if page.template == "project.html":
            rows = trend(subject.budget_history())
            return {
                "project": subject,
                "rows": rows,
                "chart": _trend_chart(rows, f"{subject.name}历年预算与执行"),
                "downloads": project_downloads(subject),
            }
        if page.template == "report.html":
            entry: ProjectYear = subject
            indicators = entry.report.performance.indicators
            shown, blank = filled_columns(indicators)
            return {
                "entry": entry,
                "report": entry.report,
                "project": catalog.projects[entry.slug],
                "rows": (rows := trend(entry.report.budget)),
                "this_row": next((r for r in rows if r.year == entry.year), None),
                "chart": _trend_chart(rows, f"{entry.name}历年预算与执行"),
                "downloads": project_downloads(catalog.projects[entry.slug]),
                "own": entry.own_budget,
                "indicator_groups": _groups(layout(indicators)),
                "columns": shown,
                "blank_columns": blank,
                "events": self.site.events_of(entry),
                "scores": self.site.scores(entry),
                "release_date": _release_date(entry),
            }
        if page.template == "audit.html":
            findings = self.site.findings
            by_source: dict[str, list[Any]] = {}
            for finding in findings:
                by_source.setdefault(finding.source, []).append(finding)
            return {
                "by_source": sorted(by_source.items()),
                "counts": counts(findings),
                "Severity": Severity,
            }
        if page.template == "timeliness.html":
            by_year = [
                (y, [r for r in self.site.events if r.entry.year == y]) for y in catalog.years
            ]
            return {
                "by_year": [(y, rows, self.site.counts(rows)) for y, rows in by_year],
                "counts": self.site.counts(self.site.events),
                "legal_basis": LEGAL_BASIS,
                "rule": self.site.settings.rule,
            }
        if page.template == "departments.html":
            return {
                "rows": [(d, catalog.of_department(d.slug)) for d in catalog.departments.values()]
            }
        if page.template == "data.html":
            return {
                "downloads": all_downloads(),
                "years": [(y, year_downloads(y)) for y in catalog.years],
                "budget_columns": BUDGET_COLUMNS,
                "indicator_columns": INDICATOR_COLUMNS,
            }
        return {"projects": sorted(catalog.projects.values(), key=lambda p: p.slug)}

    def _line(self, slug: str, year: int) -> Any:
        """A project's figures for ``year``, from the newest report that states them."""
        project: Project = self.catalog.projects[slug]
        return next((b for b in reversed(project.budget_history()) if b.year == year), None)

    def _executed_change(self, entry: ProjectYear, year: int) -> Any:
        """实际执行较上年, from this year's figures and last year's as last stated."""
        own, before = entry.own_budget, self._line(entry.slug, year - 1)
        return change(own.executed if own else None, before.executed if before else None)

    def _department_totals(self) -> list[tuple[int, Any]]:
        return [
            (y, totals((e.name, e.own_budget) for e in self.catalog.in_year(y)))
            for y in sorted(self.catalog.years)
        ]


RANKED = 20  # projects in a year's chart; the table below lists them all


def _ranking(entries: list[ProjectYear], what: str) -> Any:
    ranked = sorted(
        (e for e in entries if e.own_budget and e.own_budget.adjusted is not None),
        key=lambda e: (-(e.own_budget.adjusted or 0), e.slug),  # type: ignore[union-attr]
    )[:RANKED]
    rows = [(e.name, e.own_budget.adjusted, e.own_budget.executed) for e in ranked]  # type: ignore[union-attr]
    return ranking_chart(rows, what)


def _trend_chart(rows: list[Any], what: str) -> Any:
    return budget_chart([(f"{r.year}年", r.adjusted, r.line.executed) for r in rows], what)


def _release_date(entry: ProjectYear) -> Any:
    """发布日期: the latest publication of the page's content (targets or self-evaluation)."""
    disclosure = entry.report.disclosure
    dates = [d for d in (disclosure.targets.published, disclosure.self_evaluation.published) if d]
    return max(dates, key=lambda d: (d.year, d.month, d.day or 0)) if dates else None


def _groups(rows: list[Any]) -> list[list[Any]]:
    """Split indicator rows into one group per merged 一级 cell (one ``<tbody>`` each)."""
    groups: list[list[Any]] = []
    for row in rows:
        if row.level1_span or not groups:
            groups.append([])
        groups[-1].append(row)
    return groups
