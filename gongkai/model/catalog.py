"""The catalog (数据目录): every department, project and report read from ``data/``.

Layout: ``data/departments.yml`` lists the departments; each report is
``data/<年度>/<部门代号>/<任意文件名>.yml``. Reading collects every problem of every file
before giving up, so the clerk sees them all at once.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from gongkai.model import slug as names
from gongkai.model.errors import DataError, DataErrors, from_validation
from gongkai.model.linking import link_documents
from gongkai.model.loader import YamlDocument, read_yaml
from gongkai.model.parsedmemo import ParsedMemo
from gongkai.model.report import BudgetYear, Department, DepartmentList, DocumentKind, Report
from gongkai.model.secondreader import SecondReader

M = TypeVar("M", bound=BaseModel)
DEPARTMENTS_FILE = "departments.yml"
_YEAR_DIR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class ProjectYear:
    """公开文件: one document of one project for one budget year (its 自评报告, 自评表 or
    绩效目标表), with where it came from. A project-year's documents are a :class:`YearDocuments`."""

    report: Report
    year: int
    department: Department
    slug: str
    source: str
    document: YamlDocument = field(repr=False, compare=False)
    path: Path = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.report.name

    @cached_property  # asked for thousands of times a build (indexes, lookups)
    def key(self) -> str:
        """``2023/xiqu-xinfangju/baoan-feiyong``: the report's one identity, stable across
        builds (publication records, the feed, indexes); ``source`` and ``path`` only say
        where its file is."""
        return f"{self.year}/{self.department.slug}/{self.slug}"

    @property
    def own_budget(self) -> BudgetYear | None:
        """The budget line of the report's own year, if the report gives one."""
        return next((b for b in self.report.budget if b.year == self.year), None)


@dataclass(frozen=True)
class YearDocuments:
    """项目年度: the documents one project published for one budget year, recognised as one —
    the 绩效目标表 published with the budget, then the 自评表 or 自评报告 a year later. Each
    keeps its own page, 20-day clock and 发布日期."""

    targets: ProjectYear
    evaluations: tuple[ProjectYear, ...]
    matched_by: str  # 项目代码 or 项目名称

    @property
    def documents(self) -> tuple[ProjectYear, ...]:
        """The targets as published first, then the self-evaluation(s)."""
        return (self.targets, *self.evaluations)


# A year's main document: the self-evaluation (its figures are the year's outcome), else the
# 绩效目标表.
_MAIN_FIRST = {DocumentKind.REPORT: 0, DocumentKind.FORM: 1, DocumentKind.DEPARTMENT: 2}


def _main_order(entry: ProjectYear) -> tuple[int, str]:
    return (_MAIN_FIRST.get(entry.report.kind, 3), entry.slug)


@dataclass
class Project:
    """项目: one budget project across the years it was reported, identified by its slug; the
    documents of one project-year published under different slugs belong to one project."""

    slug: str
    years: dict[int, ProjectYear] = field(default_factory=dict)  # each year's main document
    documents: dict[int, list[ProjectYear]] = field(default_factory=dict)  # targets first

    def add(self, entry: ProjectYear) -> None:
        in_year = self.documents.setdefault(entry.year, [])
        in_year.append(entry)
        in_year.sort(key=lambda e: (e.report.kind is not DocumentKind.TARGETS, _main_order(e)))
        self.years[entry.year] = min(in_year, key=_main_order)

    @property
    def latest(self) -> ProjectYear:
        return self.years[max(self.years)]

    @property
    def name(self) -> str:
        return self.latest.name

    @property
    def department(self) -> Department:
        return self.latest.department

    def all_documents(self) -> list[ProjectYear]:
        """Every document, oldest year first, the targets of a year before its evaluation."""
        return [e for year in sorted(self.documents) for e in self.documents[year]]

    def budget_history(self) -> list[BudgetYear]:
        """Each year's figures, taken from the newest report that states that year (a year's
        self-evaluation over its 绩效目标表)."""
        merged: dict[int, BudgetYear] = {}
        for entry in self.all_documents():
            for line in entry.report.budget:
                merged[line.year] = line
        return [merged[y] for y in sorted(merged)]


@dataclass
class Catalog:
    """All the data of one site: departments, reports and projects."""

    departments: dict[str, Department]
    reports: list[ProjectYear]
    projects: dict[str, Project]
    linked: dict[str, YearDocuments] = field(default_factory=dict)  # by each document's key

    def year_documents(self, entry: ProjectYear) -> YearDocuments | None:
        """The project-year ``entry`` belongs to, when another document of it is published."""
        return self.linked.get(entry.key)

    def project_of(self, entry: ProjectYear) -> Project:
        return self._project_by_key[entry.key]

    def counted(self, entries: Iterable[ProjectYear]) -> list[ProjectYear]:
        """The documents whose figures count in totals: a project-year once (its 绩效目标表 is
        left out where its self-evaluation states the year), never a department's whole."""
        return [
            e
            for e in entries
            if e.report.kind is not DocumentKind.DEPARTMENT
            and not (e.report.kind is DocumentKind.TARGETS and e.key in self.linked)
        ]

    @cached_property
    def years(self) -> list[int]:
        """Budget years with at least one report, newest first."""
        return sorted(self._by_year, reverse=True)

    def in_year(self, year: int) -> list[ProjectYear]:
        return self._by_year.get(year, [])

    def of_department(self, slug: str) -> list[ProjectYear]:
        return self._by_department.get(slug, [])

    # Indexes built once, so that pages listing a year or a department cost linear time overall.
    @cached_property
    def _by_year(self) -> dict[int, list[ProjectYear]]:
        index: dict[int, list[ProjectYear]] = {}
        for report in self.reports:
            index.setdefault(report.year, []).append(report)
        return index

    @cached_property
    def _project_by_key(self) -> dict[str, Project]:
        return {e.key: p for p in self.projects.values() for e in p.all_documents()}

    @cached_property
    def _by_department(self) -> dict[str, list[ProjectYear]]:
        index: dict[str, list[ProjectYear]] = {}
        for report in self.reports:
            index.setdefault(report.department.slug, []).append(report)
        return index


def department_slugs(data_dir: Path) -> list[str]:
    """The department codes of ``data_dir``'s 部门名录, or none if it is missing or invalid."""
    document = read_yaml(data_dir / DEPARTMENTS_FILE, DEPARTMENTS_FILE)
    try:
        listing = DepartmentList.model_validate(getattr(document, "data", None))
    except ValidationError:
        return []
    return [d.slug for d in listing.departments]


def _validate(
    model: type[M], document: YamlDocument, shown_as: str, errors: list[DataError]
) -> M | None:
    if document.data is None:
        errors.append(DataError(shown_as, None, None, "文件没有内容"))
        return None
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        errors.extend(from_validation(error, model, shown_as, document.line_of))
        return None


# Files already read and valid, by path, with the (mtime, size) they had: a `gongkai serve`
# session re-reads only the files that changed.
_READ: dict[str, tuple[tuple[int, int], str, YamlDocument, Report]] = {}
# The document each of those files was last placed as: kept while its report, year,
# department and slug stay, so what it has worked out (its key, its dates) is not done again.
_PLACED: dict[str, ProjectYear] = {}


def _read_report(
    path: str,
    stamp: tuple[int, int] | None,
    shown_as: str,
    errors: list[DataError],
    memo: ParsedMemo | None = None,
) -> tuple[YamlDocument, Report] | None:
    known = _READ.get(path)
    if known is not None and known[0] == stamp and known[1] == shown_as:
        return known[2], known[3]
    document = read_yaml(Path(path), shown_as, memo)
    if isinstance(document, DataError):
        errors.append(document)
        return None
    report = _validate(Report, document, shown_as, errors)
    if report is None:
        return None
    document.forget_data()
    if stamp is not None:
        _READ[path] = (stamp, shown_as, document, report)
    return document, report


def _placed(
    path: str,
    report: Report,
    year: int,
    department: Department,
    source: str,
    document: YamlDocument,
) -> ProjectYear:
    """The document a report file is, the same object as last time if nothing it holds
    changed."""
    slug = report.slug or names.slugify(report.name)
    known = _PLACED.get(path)
    if (
        known is not None
        and known.report is report
        and known.year == year
        and known.slug == slug
        and known.source == source
        and known.department == department
    ):
        return known
    entry = ProjectYear(report, year, department, slug, source, document, Path(path))
    _PLACED[path] = entry
    return entry


def _placed_year(parts: tuple[str, ...]) -> int | None:
    """The year of a report file placed as ``<年度>/<部门代号>/<文件>``, or None."""
    if len(parts) != 3 or not _YEAR_DIR.match(parts[0]):
        return None
    return int(parts[0])


@contextlib.contextmanager
def _parsed_beside(
    files: list[tuple[tuple[str, ...], str, tuple[int, int] | None]],
    memo: ParsedMemo | None,
    allowed: bool,
    until_year: int | None,
) -> Iterator[SecondReader | None]:
    """A child parsing the report files still to be parsed from the last (see
    gongkai.model.secondreader), where it pays; stopped at the end."""
    wanted = [
        path
        for parts, path, stamp in files
        if (year := _placed_year(parts)) is not None
        and (until_year is None or year <= until_year)
        and not (path in _READ and _READ[path][0] == stamp)
    ]
    beside = SecondReader.start(wanted, memo, allowed)
    try:
        yield beside
    finally:
        if beside is not None:
            beside.close()


def _data_files(root: Path) -> Iterator[tuple[tuple[str, ...], str, tuple[int, int] | None]]:
    """Every YAML file under ``root``: its folder parts below it, its path and its (mtime,
    size), in the order of those parts (as sorted paths are). A walk of directory entries, not
    of Path objects: at 10,000 files the walk and the look at each file were a fifth of a serve
    rebuild. Linked folders are not entered (as ``rglob``); a linked file is read like any
    other. A file gone between the walk and its look has no (mtime, size): reading it says so."""
    found: list[tuple[tuple[str, ...], str, tuple[int, int] | None]] = []
    folders: list[tuple[str, tuple[str, ...]]] = [(str(root), ())]
    while folders:
        folder, parts = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append((entry.path, (*parts, entry.name)))
                    elif entry.name.lower().endswith((".yml", ".yaml")) and entry.is_file():
                        try:
                            stat = entry.stat()
                            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
                        except OSError:
                            stamp = None
                        found.append(((*parts, entry.name), entry.path, stamp))
        except PermissionError:  # a folder nobody may read is passed over, as rglob does
            continue
    found.sort(key=lambda file: file[0])
    yield from found


def load_catalog(
    data_dir: Path | str,
    shown_root: str | None = None,
    until_year: int | None = None,
    names_too: Iterable[str] = (),
    memo: Path | None = None,
    parse_beside: bool = False,
) -> Catalog:
    """Read and validate every file under ``data_dir``; raise :class:`DataErrors` listing
    every problem found, or return the catalog. ``until_year`` leaves out later years (an
    archived version shows the site as it was when its year was frozen); ``names_too`` are
    other names whose URL names will be asked for (read with the reports' names); ``memo``,
    the project's memo of parsed files (``PARSED_MEMO``), read, and kept unless a year is
    left out; ``parse_beside``: a forked child may parse, from the last, files the memo lacks
    (where a second core and memory allow one; see gongkai.model.secondreader)."""
    root = Path(data_dir)
    shown_root = shown_root if shown_root is not None else root.name
    errors: list[DataError] = []

    def shown(path: Path, parts: tuple[str, ...] | None = None) -> str:
        return f"{shown_root}/{'/'.join(parts or path.relative_to(root).parts)}"

    if not root.is_dir():
        raise DataErrors([DataError(shown_root, None, None, "数据目录不存在")])

    # Departments first: every report names one.
    departments: dict[str, Department] = {}
    dept_path = root / DEPARTMENTS_FILE
    if not dept_path.is_file():
        errors.append(DataError(shown(dept_path), None, None, "缺少部门名录文件"))
    else:
        document = read_yaml(dept_path, shown(dept_path))
        if isinstance(document, DataError):
            errors.append(document)
        elif listing := _validate(DepartmentList, document, shown(dept_path), errors):
            for index, dept in enumerate(listing.departments):
                if dept.slug in departments:
                    line = document.line_of(("departments", index, "slug"))
                    errors.append(
                        DataError(
                            shown(dept_path),
                            line,
                            f"departments[{index}].slug",
                            f"部门代号 {dept.slug} 重复",
                        )
                    )
                departments[dept.slug] = dept

    # Then each report, placed by its folder: <年度>/<部门代号>/.
    read_reports: list[tuple[str, Report, int, Department, str, YamlDocument]] = []
    files = list(_data_files(root))
    with (
        ParsedMemo(memo, keep=until_year is None) if memo else contextlib.nullcontext() as parsed,
        _parsed_beside(files, parsed, parse_beside, until_year) as beside,
    ):
        for parts, path, stamp in files:
            if parts == (DEPARTMENTS_FILE,):
                continue
            year = _placed_year(parts)
            if year is None:
                errors.append(
                    DataError(
                        shown(root, parts),
                        None,
                        None,
                        "文件位置不对：项目文件应放在 data/<年度>/<部门代号>/ 下，"
                        "如 data/2023/xiqu-xinfangju/baoan-feiyong.yml",
                    )
                )
                continue
            dept_slug = parts[1]
            if until_year is not None and year > until_year:
                continue
            source = shown(root, parts)
            if beside is not None and parsed is not None:
                beside.take(parsed)
            read = _read_report(path, stamp, source, errors, parsed)
            if read is None:
                continue
            document, report = read
            if dept_slug not in departments:
                if departments or dept_path.is_file():
                    errors.append(
                        DataError(
                            source,
                            None,
                            None,
                            f"目录名 {dept_slug} 不是部门名录 {DEPARTMENTS_FILE} 中的部门代号",
                        )
                    )
                continue
            read_reports.append((path, report, year, departments[dept_slug], source, document))

    # The names are read together (jieba and pypinyin, in a child where one can be forked),
    # not one by one as each report is placed.
    names.read_ahead(
        [*(report.name for _, report, *_ in read_reports if not report.slug), *names_too],
        [name for dept in departments.values() for name in (dept.short_name, dept.name) if name],
    )
    reports = [_placed(*read) for read in read_reports]
    projects = _group(reports, errors)
    if errors:
        raise DataErrors(errors)
    reports.sort(key=lambda r: (-r.year, r.department.slug, r.slug))
    linked = _link(reports)
    return Catalog(departments, reports, _merge(projects, linked), linked)


def _link(reports: list[ProjectYear]) -> dict[str, YearDocuments]:
    """Each project-year published as more than one document, by each document's key."""
    links = link_documents((f"{r.year}/{r.department.slug}", r.report) for r in reports)
    found: dict[int, list[int]] = {}
    how: dict[int, str] = {}
    for link in links:
        found.setdefault(link.targets, []).append(link.evaluation)
        how[link.targets] = (
            "项目代码"
            if "项目代码" in (how.get(link.targets), link.matched_by)
            else link.matched_by
        )
    linked: dict[str, YearDocuments] = {}
    for targets, evaluations in found.items():
        documents = YearDocuments(
            reports[targets],
            tuple(sorted((reports[i] for i in evaluations), key=_main_order)),
            how[targets],
        )
        for entry in documents.documents:
            linked[entry.key] = documents
    return linked


def _merge(projects: dict[str, Project], linked: dict[str, YearDocuments]) -> dict[str, Project]:
    """One project for the documents of each project-year, though their slugs differ: the
    project keeps the slug of its self-evaluations (the page its years are read from)."""
    parent = {slug: slug for slug in projects}

    def root(slug: str) -> str:
        while parent[slug] != slug:
            slug = parent[slug]
        return slug

    for documents in linked.values():
        slugs = sorted({root(e.slug) for e in documents.documents}, key=_slug_rank(projects))
        for other in slugs[1:]:
            parent[other] = slugs[0]
    members: dict[str, list[str]] = {}
    for slug in sorted(projects):
        members.setdefault(root(slug), []).append(slug)
    merged: dict[str, Project] = {}
    for target, slugs in members.items():
        if slugs == [target]:  # most projects: nothing joins them
            merged[target] = projects[target]
            continue
        merged[target] = Project(target)
        for slug in slugs:
            for entry in projects[slug].all_documents():
                merged[target].add(entry)
    return merged


def _slug_rank(projects: dict[str, Project]) -> Callable[[str], tuple[bool, int, str]]:
    """Slugs that hold a self-evaluation first, then the shorter, then alphabetically."""

    def rank(slug: str) -> tuple[bool, int, str]:
        evaluated = any(
            e.report.kind is not DocumentKind.TARGETS for e in projects[slug].all_documents()
        )
        return (not evaluated, len(slug), slug)

    return rank


def _second_slug_hint(entry: ProjectYear, other: ProjectYear) -> str:
    """How to fix a slug collision: a project-year's 绩效目标表 and self-evaluation are two
    files of one project, and the second takes the project's slug with its kind's suffix."""
    kinds = {entry.report.kind, other.report.kind}
    if (
        entry.year == other.year
        and DocumentKind.TARGETS in kinds
        and len(kinds) == 2
        and DocumentKind.DEPARTMENT not in kinds
    ):
        targets = entry if entry.report.kind is DocumentKind.TARGETS else other
        return (
            f"同一项目同一年度的绩效目标表和自评是两个文件，请在绩效目标表 {targets.source} "
            f"中写上 slug: {entry.slug}-mubiao（网站仍会把两份文件放在一起对照）"
        )
    return "请在其中一个文件写上不同的 slug:"


def _group(reports: list[ProjectYear], errors: list[DataError]) -> dict[str, Project]:
    """Group reports into projects by slug; two reports of one slug in one year, or one slug in
    two departments, are collisions (homophones such as 公示/公式) and reported, never merged."""
    projects: dict[str, Project] = {}
    for entry in sorted(reports, key=lambda r: (r.slug, r.year, r.source)):
        project = projects.setdefault(entry.slug, Project(entry.slug))
        other = project.years.get(entry.year) or (project.latest if project.years else None)
        if other is not None and (
            other.year == entry.year or other.department.slug != entry.department.slug
        ):
            line = (
                entry.document.line_of(("slug",))
                if entry.report.slug
                else entry.document.line_of(("name",))
            )
            errors.append(
                DataError(
                    entry.source,
                    line,
                    "slug",
                    f"网址名 {entry.slug} 与 {other.source}（{other.name}）重复；"
                    + _second_slug_hint(entry, other),
                )
            )
            continue
        project.add(entry)
    return projects
