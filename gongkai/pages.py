"""The site's pages (页面) and navigation, planned from the catalog.

Each page is a plain object with its source URI, title, template and subject; the MkDocs hooks
only turn these into MkDocs files. The navigation holds the years, never the projects, so that
a page's size does not grow with the number of projects.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from gongkai.catalog import Catalog, Project, ProjectYear
from gongkai.model import Department

HOME = "index.md"
PROJECTS = "xiangmu/index.md"
DEPARTMENTS = "bumen/index.md"
TIMELINESS = "shixiao.md"
AUDIT = "shenhe.md"
DATA = "xiazai.md"


def year_uri(year: int) -> str:
    return f"{year}/index.md"


def report_uri(entry: ProjectYear) -> str:
    return f"{entry.year}/{entry.slug}.md"


def project_uri(project: Project) -> str:
    return f"xiangmu/{project.slug}.md"


def department_uri(department: Department) -> str:
    return f"bumen/{department.slug}.md"


@dataclass(frozen=True)
class SitePage:
    """A generated page: where it goes, what it shows, and which template shows it."""

    src_uri: str
    title: str
    template: str
    subject: Any = None
    description: str = ""

    @property
    def in_nav(self) -> bool:
        """Project pages are reached from the year and project lists, not the navigation."""
        return self.template not in ("report.html", "project.html", "department.html")


def plan(catalog: Catalog, with_audit: bool = False) -> list[SitePage]:
    """Every generated page, in a fixed order so that builds are deterministic. The audit page
    is only for internal builds (``audit_page: true``)."""
    pages = [
        SitePage(HOME, "首页", "home.html", None, "预算项目支出绩效信息公开"),
        SitePage(PROJECTS, "全部项目", "projects.html", None, "全部预算项目及其各年度报告"),
        SitePage(DEPARTMENTS, "公开部门", "departments.html", None, "公开预算项目绩效信息的部门"),
        SitePage(
            TIMELINESS,
            "公开时效",
            "timeliness.html",
            None,
            "各项目绩效目标与自评报告的批复、公开期限与公开日期",
        ),
    ]
    pages.append(SitePage(DATA, "数据下载", "data.html", None, "全部数据的下载与数据说明"))
    if with_audit:
        pages.append(SitePage(AUDIT, "自动审核（内部）", "audit.html", None, "报告自动审核结果"))
    for year in catalog.years:
        pages.append(
            SitePage(
                year_uri(year), f"{year}年度", "year.html", year, f"{year}年度项目支出绩效信息"
            )
        )
    for department in catalog.departments.values():
        pages.append(
            SitePage(department_uri(department), department.name, "department.html", department)
        )
    for project in sorted(catalog.projects.values(), key=lambda p: p.slug):
        pages.append(
            SitePage(
                project_uri(project),
                project.name,
                "project.html",
                project,
                f"{project.name}：历年预算与绩效报告",
            )
        )
    for entry in catalog.reports:
        pages.append(
            SitePage(
                report_uri(entry),
                f"{entry.name}（{entry.year}年度）",
                "report.html",
                entry,
                f"{entry.department.name}{entry.year}年度{entry.name}{entry.report.title}",
            )
        )
    return pages


def navigation(
    catalog: Catalog, extra: list[Any] | None = None, with_audit: bool = False
) -> list[Any]:
    """The navigation in MkDocs' ``nav`` form: home, years, the project and department lists,
    then the site's own Markdown pages. Neither projects nor departments are listed one by one."""
    nav: list[Any] = [{"首页": HOME}]
    nav.append({"年度": [{f"{y}年度": year_uri(y)} for y in catalog.years]})
    nav.append({"全部项目": PROJECTS})
    nav.append({"公开部门": DEPARTMENTS})
    nav.append({"公开时效": TIMELINESS})
    nav.append({"数据下载": DATA})
    if with_audit:
        nav.append({"自动审核（内部）": AUDIT})
    return nav + list(extra or [])


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown source: ``2023/x.md`` → ``2023/x/``."""
    stem = src_uri[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative."""
    base = posixpath.dirname(from_url) if not from_url.endswith("/") else from_url.rstrip("/")
    target = to_url.rstrip("/") or "."
    rel = posixpath.relpath(target, base or ".")
    if to_url.endswith("/") or not to_url:
        rel = "./" if rel == "." else rel + "/"
    return rel
