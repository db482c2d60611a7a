"""Where a new document goes (新文件放在哪里): beside the other document of its project-year.

A 绩效目标表 is written a year before its 自评表. When the second one arrives, by ``gongkai
import`` or ``gongkai new``, it is placed in the department folder of the first, and given a
slug of its own where the first already holds the project's, so that both pages keep their
addresses and the site recognises them as one project-year.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from gongkai.model.linking import EVALUATIONS, same_project
from gongkai.model.report import DocumentKind, Form, Report
from gongkai.model.slug import slugify

# The slug a second document of a project-year gets, by its kind, where the first holds the
# project's own: baoan-feiyong, baoan-feiyong-zipingbiao.
SECOND_SLUG = {
    DocumentKind.TARGETS: "mubiao",
    DocumentKind.FORM: "zipingbiao",
    DocumentKind.REPORT: "zipingbaogao",
}
_MAX_FILE = 2_000_000  # bytes; larger files are not data files to compare with


@dataclass(frozen=True)
class Placement:
    """Where to write: the department folder (``None`` where nothing decides it), the slug, and
    the file of the other document of the project-year, if one is already there."""

    department: str | None
    slug: str
    companion: Path | None = None
    companion_kind: str | None = None


# Files already read, by path, with the (mtime, size) they had: a batch import places each of
# its documents against the same folders, which are read once, not once a document.
_READ: dict[Path, tuple[tuple[int, int], Report | None]] = {}


def _read(path: Path) -> Report | None:
    """A data file's name, kind, project code and slug, or ``None`` if it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _READ.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    report = _parse(path, stat.st_size)
    _READ[path] = (stamp, report)
    return report


def _parse(path: Path, size: int) -> Report | None:
    try:
        if size > _MAX_FILE:
            return None
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        kind = DocumentKind(data.get("kind", DocumentKind.REPORT.value))
        name = str(data["name"])
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, KeyError, AttributeError):
        return None
    form = data.get("form") if isinstance(data.get("form"), dict) else {}
    code = form.get("project_code")
    slug = data.get("slug")
    return Report.model_construct(
        name=name,
        kind=kind,
        slug=str(slug) if slug else None,
        form=Form.model_construct(project_code=str(code) if code else None),
    )


def place_document(
    data_dir: Path,
    year: int,
    name: str,
    kind: DocumentKind,
    department: str | None = None,
    project_code: str | None = None,
    slug: str | None = None,
) -> Placement:
    """The folder and slug for a new document of ``name`` and ``kind`` in ``year``: beside the
    other document of its project-year where one is found (in ``department`` when given)."""
    base = slug or slugify(name)
    new = Report.model_construct(
        name=name, kind=kind, slug=None, form=Form.model_construct(project_code=project_code)
    )
    found: list[tuple[float, Path, Report]] = []
    year_dir = data_dir / str(year)
    folders = [year_dir / department] if department else sorted(year_dir.glob("*"))
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            other = _read(path)
            if other is None or other.kind is DocumentKind.DEPARTMENT:
                continue
            if kind is DocumentKind.TARGETS and other.kind in EVALUATIONS:
                match = same_project(new, other)
            elif kind in EVALUATIONS and other.kind is DocumentKind.TARGETS:
                match = same_project(other, new)
            else:
                continue
            if match is not None:
                found.append((match[0], path, other))
    found.sort(key=lambda f: (-f[0], str(f[1])))
    if not found or (len(found) > 1 and found[1][0] == found[0][0]):
        return Placement(department, base)  # none, or two equally good: nothing claimed
    _, path, other = found[0]
    taken = other.slug or slugify(other.name)
    own = (
        f"{base}-{SECOND_SLUG[kind]}"
        if taken == base or (path.parent / f"{base}.yml").exists()
        else base
    )
    return Placement(path.parent.name, own, path, other.kind.value)
