"""The site's pages (页面): addresses, the page object and the navigation.

Each page is a plain object with its source URI, title, template and subject (which pages exist
is decided kind by kind in ``gongkai.render.builders``); the MkDocs hooks only turn these into
MkDocs files. The navigation holds the years, never the projects, so that a page's size does
not grow with the number of projects.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from gongkai.model.catalog import Catalog, Project, ProjectYear
from gongkai.model.dates import PartialDate
from gongkai.model.report import Department

HOME = "index.md"
PROJECTS = "xiangmu/index.md"
DEPARTMENTS = "bumen/index.md"
TIMELINESS = "shixiao.md"
AUDIT = "shenhe.md"
DATA = "xiazai.md"
VERSIONS = "banben"  # the archive's versions (归档版本): their list, and each one's own pages
VERSIONS_PAGE = f"{VERSIONS}/index.md"


def year_uri(year: int) -> str:
    return f"{year}/index.md"


LIST_PAGE_SIZE = 100  # rows on one page of a full list (a year's projects, all projects)


def list_pages(count: int) -> int:
    """How many pages a full list of ``count`` rows takes: a hundred a page, at least one.

    >>> list_pages(0), list_pages(100), list_pages(101)
    (1, 1, 2)
    """
    return max(1, -(-count // LIST_PAGE_SIZE))


def year_list_uri(year: int, number: int = 1) -> str:
    """A page of a year's full list of projects (项目一览，分页): ``liebiao/2023/``, then
    ``liebiao/2023/2/``; outside the year's folder, where a project's slug could not clash."""
    return f"liebiao/{year}/index.md" if number == 1 else f"liebiao/{year}/{number}.md"


def projects_list_uri(number: int = 1) -> str:
    """A page of the list of all projects (全部项目): ``xiangmu/``, then ``liebiao/xiangmu/2/``
    (beside the projects' own pages a number could be a project's slug)."""
    return PROJECTS if number == 1 else f"liebiao/xiangmu/{number}.md"


def timeliness_year_uri(year: int, number: int = 1) -> str:
    """A page of a year's disclosure events (公开时效，分年度分页): ``shixiao/2023/``, then
    ``shixiao/2023/2/``."""
    return f"shixiao/{year}/index.md" if number == 1 else f"shixiao/{year}/{number}.md"


def report_uri(entry: ProjectYear) -> str:
    return f"{entry.year}/{entry.slug}.md"


def project_uri(project: Project) -> str:
    return f"xiangmu/{project.slug}.md"


def department_uri(department: Department) -> str:
    return f"bumen/{department.slug}.md"


def department_year_uri(department: Department, year: int) -> str:
    return f"bumen/{department.slug}/{year}.md"


_YEAR_PAGE = re.compile(r"(?:liebiao/|shixiao/|bumen/[^/]+/)?(\d{4})(?:/|\.md$)")


def page_year(src_uri: str) -> int | None:
    """The budget year a page belongs to, or None for a page across years (home, lists, a
    project's or a department's page). A year's pages read the same whatever later years are
    published, so the archive stores them once (see ``gongkai.commands.archive``).

    >>> [page_year(u) for u in ("2023/x.md", "liebiao/2023/2.md", "bumen/a/2023.md")]
    [2023, 2023, 2023]
    >>> [page_year(u) for u in ("xiangmu/2023.md", "bumen/a.md", "index.md")]
    [None, None, None]
    """
    found = _YEAR_PAGE.match(src_uri)
    return int(found.group(1)) if found else None


def version_folder(year: int) -> str:
    """Where the archived version 截至``year``年度 keeps its own pages: ``banben/2023/``."""
    return f"{VERSIONS}/{year}/"


def placed(src_uri: str, folder: str) -> str:
    """Where a page goes in a version built under ``folder``: the version's own pages (those
    across years) under it; a year's pages and the list of versions where they always are.

    >>> [placed(u, "banben/2021/") for u in ("index.md", "2021/x.md", "banben/index.md")]
    ['banben/2021/index.md', '2021/x.md', 'banben/index.md']
    """
    if not folder or page_year(src_uri) is not None or src_uri.startswith(f"{VERSIONS}/"):
        return src_uri
    return folder + src_uri


@dataclass(frozen=True)
class SitePage:
    """A generated page: where it goes, what it shows, and which template shows it."""

    src_uri: str
    title: str
    template: str
    subject: Any = None
    description: str = ""
    # Project and department pages are reached from the lists, not the navigation.
    in_nav: bool = True
    # 当前位置: the pages above this one, (label, source URI), from the home page down.
    trail: tuple[tuple[str, str], ...] = ()
    # 发布日期 of a report's page; 更新日期 of a page that gathers reports (its newest
    # publication or correction). None: nothing on the page has been published yet.
    published: PartialDate | None = None
    updated: PartialDate | None = None
    source: str = ""  # 发布机构 (ContentSource) where one department speaks; else the site's
    undated: str = ""  # a report's page without a 发布日期: the sentence that says why

    def dateline(self) -> list[tuple[str, str, str]]:
        """发布日期 and 更新日期 as (label, ISO date, Chinese date), for the page's top line.

        >>> SitePage("a.md", "A", "x", published=PartialDate(2023, 3, 5),
        ...          updated=PartialDate(2023, 5)).dateline()
        [('发布日期', '2023-03-05', '2023年3月5日'), ('更新日期', '2023-05', '2023年5月')]
        """
        found = [("发布日期", self.published), ("更新日期", self.updated)]
        return [(label, d.iso(), d.chinese()) for label, d in found if d is not None]

    def meta(self, site_name: str) -> dict[str, str]:
        """The page's GB/T 42147-style metadata (网页元数据) for ``<meta name=…>`` tags:
        column (the page above it), title, publication date and source. Dates only as far as
        they are known (a month-precise date is written as 2023-03)."""
        column = self.trail[-1][0] if len(self.trail) > 1 else self.title
        meta = {"ColumnName": column, "ArticleTitle": self.title}
        if self.published is not None:
            meta["PubDate"] = self.published.iso()
        elif self.updated is not None:
            meta["PubDate"] = self.updated.iso()
        meta["ContentSource"] = self.source or site_name
        if self.description:
            meta["Description"] = self.description
        return meta

    def breadcrumb(self, directory_urls: bool = True) -> list[tuple[str, str | None]]:
        """当前位置 from the home page to this page: (label, site-relative URL or None)."""
        steps: list[tuple[str, str | None]] = [
            (label, page_url(uri, directory_urls)) for label, uri in self.trail
        ]
        return [*steps, (self.title if self.src_uri != HOME else "首页", None)]

    def placed(self, folder: str) -> SitePage:
        """This page as a version built under ``folder`` has it (see :func:`placed`)."""
        trail = tuple((label, placed(uri, folder)) for label, uri in self.trail)
        return replace(self, src_uri=placed(self.src_uri, folder), trail=trail)


def navigation(
    catalog: Catalog,
    extra: list[Any] | None = None,
    with_audit: bool = False,
    place: Callable[[str], str] = str,
) -> list[Any]:
    """The navigation in MkDocs' ``nav`` form: home, the project and department lists, then the
    site's own Markdown pages. Neither years, projects nor departments are listed one by one: the
    navigation is on every page, and a year's pages must read the same when a later year is
    added (a frozen year's pages are stored once in the archive). The home page lists the years."""
    nav: list[Any] = [{"首页": place(HOME)}]
    if catalog.reports:  # an empty column is an inspection fault: no lists of nothing
        nav.append({"全部项目": place(PROJECTS)})
        nav.append({"公开部门": place(DEPARTMENTS)})
        nav.append({"公开时效": place(TIMELINESS)})
        nav.append({"数据下载": place(DATA)})
        if with_audit:
            nav.append({"自动审核（内部）": place(AUDIT)})
    return nav + list(extra or [])


def page_url(src_uri: str, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown source.

    >>> page_url("2023/x.md"), page_url("2023/index.md"), page_url("2023/x.md", False)
    ('2023/x/', '2023/', '2023/x.html')
    """
    stem = src_uri[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_url: str, to_url: str) -> str:
    """A link from the page at ``from_url`` to ``to_url``, both site-relative.

    >>> relative_url("2023/a/", "2023/b/"), relative_url("2023/a/", "2023/a/")
    ('../b/', './')
    >>> relative_url("2023/a.html", "assets/x.css"), relative_url("", "2023/")
    ('../assets/x.css', '2023/')
    """
    base = posixpath.dirname(from_url) if not from_url.endswith("/") else from_url.rstrip("/")
    target = to_url.rstrip("/") or "."
    rel = _relpath(target, base or ".")
    if to_url.endswith("/") or not to_url:
        rel = "./" if rel == "." else rel + "/"
    return rel


def _relpath(target: str, base: str) -> str:
    """``posixpath.relpath`` for two site-relative paths, without asking the system for the
    working folder at every call (it did, twice per link: a tenth of rendering a page)."""
    to_parts = [part for part in posixpath.normpath(target).split("/") if part != "."]
    from_parts = [part for part in posixpath.normpath(base).split("/") if part != "."]
    if ".." in to_parts or ".." in from_parts or target.startswith("/") or base.startswith("/"):
        return posixpath.relpath(target, base)  # above the site's root: as the system says
    common = 0
    for mine, theirs in zip(to_parts, from_parts, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(from_parts) - common) + to_parts[common:]
    return "/".join(parts) or "."


_HEADING = re.compile(r'<h([23])\s+id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Heading:
    """A section heading of a rendered page (h2/h3 with an id) and where it stands in the HTML:
    for the table of contents and for the sections the full-text index links to."""

    level: int
    id: str
    title: str  # the heading's text, tags removed, entities kept
    start: int
    end: int


def headings(html: str) -> list[Heading]:
    """The h2/h3 headings with ids, in order (the templates give every section one)."""
    return [
        Heading(int(m.group(1)), m.group(2), _TAG.sub("", m.group(3)).strip(), m.start(), m.end())
        for m in _HEADING.finditer(html)
    ]
