"""Frozen years (已归档年度) and their check: ``archive/<年度>.json`` lists the checksums of a
frozen year's data and pages (written by ``gongkai freeze``, in ``gongkai.commands.archive``).

A frozen year changes only through a correction entry (更正记录) in the changed report; every
build and ``gongkai check`` compare the data with the manifest.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gongkai.files import write_text_atomically
from gongkai.model.catalog import Catalog
from gongkai.model.errors import DataError

ARCHIVE_DIR = "archive"


@dataclass
class Manifest:
    """归档清单 of one frozen year."""

    year: int
    frozen: str  # the freeze date, ISO
    epoch: int  # SOURCE_DATE_EPOCH of the version's build: rebuilds give the same bytes
    data: dict[str, str] = field(default_factory=dict)  # data file → sha256
    corrections: dict[str, int] = field(default_factory=dict)  # data file → corrections counted
    # The year's files and the version's own pages (banben/<year>/) in the archive → sha256.
    pages: dict[str, str] = field(default_factory=dict)
    # The year's publication records (公开记录) as they were at the freeze: report → field →
    # value. A second copy of the legal record, for check and for restoring a lost one.
    records: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, root: Path) -> Path:
        path = root / ARCHIVE_DIR / f"{self.year}.json"
        write_text_atomically(
            path, json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        )
        return path


def manifests(root: Path) -> list[Manifest]:
    directory = root / ARCHIVE_DIR
    return (
        [Manifest.load(p) for p in sorted(directory.glob("*.json"))] if directory.is_dir() else []
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def year_files(data_dir: Path, year: int) -> list[Path]:
    folder = data_dir / str(year)
    return (
        sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
        if folder.is_dir()
        else []
    )


def verify(
    root: Path, data_dir: Path, catalog: Catalog, archived: list[Manifest]
) -> list[DataError]:
    """Data of a frozen year may change only with a new correction entry in the same file;
    ``archived`` is :func:`manifests` of ``root``, read once for every check."""
    if not archived:
        return []  # nothing frozen yet: no need to resolve every report's path
    by_source = {entry.path.resolve(): entry for entry in catalog.reports}
    errors = []
    for manifest in archived:
        listed = {(root / name).resolve(): (name, digest) for name, digest in manifest.data.items()}
        for path in year_files(data_dir, manifest.year):
            if path.resolve() not in listed:
                entry = by_source.get(path.resolve())
                if entry is None or not entry.report.corrections:
                    errors.append(
                        DataError(
                            shown_path(root, path),
                            None,
                            None,
                            f"{manifest.year}年度已归档，新增的报告须写更正记录说明原因，然后运行 gongkai freeze {manifest.year} --update",
                        )
                    )
        for resolved, (name, digest) in listed.items():
            if not resolved.is_file():
                errors.append(
                    DataError(
                        name,
                        None,
                        None,
                        f"{manifest.year}年度已归档的报告文件不见了；已公开的记录不能删除，请恢复该文件",
                    )
                )
                continue
            if sha256(resolved) == digest:
                continue
            entry = by_source.get(resolved)
            counted = manifest.corrections.get(name, 0)
            if entry is None or len(entry.report.corrections) <= counted:
                line = _first_changed_line(root, name, resolved)
                errors.append(
                    DataError(
                        name,
                        line,
                        None,
                        f"{manifest.year}年度已归档（{manifest.frozen}），此文件被改动却没有新增更正记录；"
                        "请在 corrections 中登记更正（日期、字段、原值、新值、原因）",
                    )
                )
    return errors


def _first_changed_line(root: Path, name: str, path: Path) -> int | None:
    """The first line that differs from the committed file, where git has it."""
    committed = subprocess.run(["git", "show", f"HEAD:{name}"], cwd=root, capture_output=True)
    if committed.returncode != 0:
        return None
    old = committed.stdout.decode("utf-8", errors="replace").splitlines()
    new = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for number, (before, after) in enumerate(zip(old, new, strict=False), start=1):
        if before != after:
            return number
    return min(len(old), len(new)) + 1


def shown_path(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
