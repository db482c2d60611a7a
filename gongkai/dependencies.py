"""What a change touches (变更影响): the pages and downloads that one edited data file changes.

A full build writes everything. Between two builds of one ``gongkai serve`` session, the site
is compared with the previous build's :class:`Snapshot`, and only the touched pages and
download bundles are written again. The rules, tested in ``tests/test_incremental.py``:

- A report's file changed (project P, year Y, department D): every report page of P (the
  years bar and trend), P's across-years page, the audit page; downloads of P, of Y and of
  everything; the search index.
- Its name, department or amounts changed too (or, for a document of a project-year with two,
  its indicators, which the year and department pages count as kept or changed): every year page
  and every page of a year's full list and of the list of all projects (each shows the totals of
  all years and the change on the year before), D's page, the home page and the lists of
  projects and departments.
- Its name or disclosure dates changed: the 公开时效 page and its pages of each year's events.
- Anything structural rebuilds everything: a year, department or report page that appears
  or disappears (a new year is in the navigation of every page), two documents recognised as
  one project-year or no longer, the department registry,
  the settings, gongkai's templates or theme, or the site's own Markdown pages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.model.catalog import DEPARTMENTS_FILE, ProjectYear
from gongkai.model.report import DocumentKind, Report
from gongkai.outputs.listing import timeliness_pages
from gongkai.pages import (
    department_uri,
    department_year_uri,
    list_pages,
    project_uri,
    projects_list_uri,
    report_uri,
    timeliness_year_uri,
    year_list_uri,
    year_uri,
)
from gongkai.render.environment import TEMPLATES, THEME
from gongkai.site import Site

# Pages that list every report's name, department or amounts; the timeliness and audit pages.
LISTS = ("index.md", "xiangmu/index.md", "bumen/index.md")
TIMELINESS = "shixiao.md"
AUDIT = "shenhe.md"
ALL_BUNDLE = "quanbu"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _tree_stamp(*folders: Path) -> str:
    """Names, sizes and times of every file under ``folders``: a template edit shows here."""
    parts = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """What a build was made from: each report's file digest, and what shapes every page."""

    reports: dict[str, Facets]  # report key → digests of what its pages show
    structure: tuple[object, ...]  # years, pages, registry, settings, templates, own pages

    @classmethod
    def of(cls, site: Site, docs_dir: Path) -> Snapshot:
        catalog = site.catalog
        data = site.settings.data_path
        structure = (
            tuple(catalog.years),
            # A report's kind decides its page's layout and whether a department-year page
            # exists: a change of kind redoes everything.
            tuple(sorted((e.key, report_uri(e), e.report.kind.value) for e in catalog.reports)),
            _digest(data / DEPARTMENTS_FILE),
            site.settings.model_dump_json(),
            _tree_stamp(TEMPLATES, THEME, docs_dir),
            # Which documents are one project-year decides the projects, their pages and the
            # totals: a link made or undone redoes everything.
            tuple(sorted((key, d.targets.key) for key, d in catalog.linked.items())),
            tuple(sorted(catalog.projects)),
        )
        reports = {e.key: Facets.of(e, e.key in catalog.linked) for e in catalog.reports}
        return cls(reports, structure)


@dataclass(frozen=True)
class Facets:
    """Digests of one report: its whole file, what the lists show of it, its disclosure."""

    file: str
    listed: str
    disclosure: str

    @classmethod
    def of(cls, entry: ProjectYear, linked: bool = False) -> Facets:
        """``linked``: a document of a project-year with two, whose targets the year and
        department pages count as kept or changed."""
        report = entry.report
        # The catalog hands back the very Report it read before while the file's time and size
        # stay the same (gongkai.model.catalog): its facets are those worked out then, and a
        # serve rebuild does not read and hash every data file again.
        known = _FACETS.get(entry.path)
        if known is not None and known[0] is report and known[1] == linked:
            return known[2]
        listed = [entry.name, entry.department.slug, [b.model_dump_json() for b in report.budget]]
        if linked:
            listed.append([i.model_dump_json() for i in report.performance.indicators])
        disclosed = [entry.name, report.disclosure.model_dump_json()]
        facets = cls(
            _digest(entry.path),
            hashlib.sha256(repr(listed).encode()).hexdigest(),
            hashlib.sha256(repr(disclosed).encode()).hexdigest(),
        )
        _FACETS[entry.path] = (report, linked, facets)
        return facets


_FACETS: dict[Path, tuple[Report, bool, Facets]] = {}  # data file → its report's facets


@dataclass
class Change:
    """The difference between two builds: everything, or the reports that changed and how."""

    everything: bool
    reports: list[str] = field(default_factory=list)  # keys of changed or added reports
    listed: bool = False  # a name, department or amount changed
    disclosed: bool = False  # a name or a disclosure date changed

    @property
    def nothing(self) -> bool:
        return not self.everything and not self.reports


def compare(before: Snapshot | None, after: Snapshot) -> Change:
    """What changed from ``before`` (``None``: no earlier build) to ``after``."""
    if before is None or before.structure != after.structure:
        return Change(everything=True)
    changed = sorted(k for k, f in after.reports.items() if before.reports.get(k) != f)
    old = [before.reports.get(k) for k in changed]
    new = [after.reports[k] for k in changed]
    return Change(
        everything=False,
        reports=changed,
        listed=any(o is None or o.listed != n.listed for o, n in zip(old, new, strict=True)),
        disclosed=any(
            o is None or o.disclosure != n.disclosure for o, n in zip(old, new, strict=True)
        ),
    )


def touched_pages(site: Site, change: Change) -> set[str] | None:
    """The source URIs of the pages to write again; ``None`` for all of them."""
    if change.everything:
        return None
    if change.nothing:
        return set()
    catalog = site.catalog
    pages: set[str] = {AUDIT}
    if change.listed:
        pages.update(LISTS)
        pages.update(year_uri(y) for y in catalog.years)
        for year in catalog.years:  # each page of a year's full list
            count = list_pages(len(catalog.counted(catalog.in_year(year))))
            pages.update(year_list_uri(year, n) for n in range(1, count + 1))
        count = list_pages(len(catalog.projects))  # and of the list of all projects
        pages.update(projects_list_uri(n) for n in range(1, count + 1))
    if change.disclosed:
        pages.add(TIMELINESS)
        for year, count in timeliness_pages(catalog).items():  # each year's events, if paged
            pages.update(timeliness_year_uri(year, n) for n in range(1, count + 1))
    for entry in _entries(site, change):
        project = catalog.project_of(entry)
        pages.update(report_uri(other) for other in project.all_documents())
        pages.add(project_uri(project))
        if change.listed:
            pages.add(department_uri(entry.department))
        # The department's page for the year, where one exists (a department-level report).
        whole = department_year_uri(entry.department, entry.year)
        if any(
            e.report.kind is DocumentKind.DEPARTMENT
            for e in catalog.in_year(entry.year)
            if e.department.slug == entry.department.slug
        ):
            pages.add(whole)
    return pages


def touched_bundles(site: Site, change: Change) -> set[str] | None:
    """The download bundles (stems under xiazai/) to write again; ``None`` for all."""
    if change.everything:
        return None
    if change.nothing:
        return set()
    bundles = {ALL_BUNDLE}
    for entry in _entries(site, change):
        bundles.add(f"xiangmu/{site.catalog.project_of(entry).slug}")
        bundles.add(str(entry.year))
    return bundles


def _entries(site: Site, change: Change) -> list[ProjectYear]:
    by_key = {entry.key: entry for entry in site.catalog.reports}
    return [by_key[key] for key in change.reports if key in by_key]
