"""Yearly archives (年度归档): each budget year frozen as a mike version of the site, with a
manifest of checksums of its data and pages kept in ``archive/<年度>.json``.

A frozen year changes only through a correction entry (更正记录) in the changed report; the
check compares the data with the manifest, and ``freeze --update`` rebuilds the version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gongkai.catalog import Catalog
from gongkai.errors import DataError
from gongkai.settings import CHINA

ARCHIVE_DIR = "archive"
BRANCH = "gh-pages"
VERSION_ENV = "GONGKAI_VERSION"  # set while a version is built: limits the data to years ≤ it


@dataclass
class Manifest:
    """归档清单 of one frozen year."""

    year: int
    frozen: str  # the freeze date, ISO
    epoch: int  # SOURCE_DATE_EPOCH of the version's build: rebuilds give the same bytes
    data: dict[str, str] = field(default_factory=dict)  # data file → sha256
    corrections: dict[str, int] = field(default_factory=dict)  # data file → corrections counted
    pages: dict[str, str] = field(default_factory=dict)  # built file → sha256

    @classmethod
    def load(cls, path: Path) -> Manifest:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def save(self, root: Path) -> Path:
        path = root / ARCHIVE_DIR / f"{self.year}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        return path


def manifests(root: Path) -> list[Manifest]:
    directory = root / ARCHIVE_DIR
    return (
        [Manifest.load(p) for p in sorted(directory.glob("*.json"))] if directory.is_dir() else []
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _year_files(data_dir: Path, year: int) -> list[Path]:
    folder = data_dir / str(year)
    return (
        sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml"))
        if folder.is_dir()
        else []
    )


def verify(root: Path, data_dir: Path, catalog: Catalog) -> list[DataError]:
    """Data of a frozen year may change only with a new correction entry in the same file."""
    by_source = {entry.path.resolve(): entry for entry in catalog.reports}
    errors = []
    for manifest in manifests(root):
        listed = {(root / name).resolve(): (name, digest) for name, digest in manifest.data.items()}
        for path in _year_files(data_dir, manifest.year):
            if path.resolve() not in listed:
                entry = by_source.get(path.resolve())
                if entry is None or not entry.report.corrections:
                    errors.append(
                        DataError(
                            _shown(root, path),
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


def _shown(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _environment(year: int | None = None, epoch: int | None = None) -> dict[str, str]:
    # mike runs the `mkdocs` command: make this interpreter's scripts (a venv's bin) findable.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if year is not None:
        env[VERSION_ENV] = str(year)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


def build_version(root: Path, year: int, epoch: int, site: Path) -> None:
    """The version's site, built as mike builds it: data up to ``year``, the date fixed."""
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)]
    result = subprocess.run(
        command, cwd=root, env=_environment(year, epoch), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise ArchiveError(result.stdout + result.stderr)


class ArchiveError(Exception):
    """A freeze or an export could not be done; the message says why, in Chinese."""


_MIKE = [
    sys.executable,
    "-c",
    "import sys; from mike.driver import main; sys.argv[0] = 'mike'; sys.exit(main())",
]


def freeze(root: Path, data_dir: Path, year: int, on: dt.date, update: bool = False) -> Manifest:
    """Deploy ``year`` as a mike version (the newest also as ``latest``, the default) and write
    its manifest. ``update`` rebuilds a frozen year after a correction, keeping its date, and
    every later version too, since each version shows all the years up to its own."""
    path = root / ARCHIVE_DIR / f"{year}.json"
    if path.exists() and not update:
        raise ArchiveError(f"{year}年度已经归档（{path}）；更正后请用 --update 重新生成")
    if update and not path.exists():
        raise ArchiveError(f"{year}年度尚未归档，不能 --update")
    if update:
        later = [m for m in manifests(root) if m.year >= year]
        deployed = [_deploy(root, data_dir, m.year, m.frozen, m.epoch) for m in later]
        return deployed[0]
    epoch = int(dt.datetime.combine(on, dt.time(12), CHINA).timestamp())
    return _deploy(root, data_dir, year, on.isoformat(), epoch)


def _deploy(root: Path, data_dir: Path, year: int, frozen: str, epoch: int) -> Manifest:
    years = sorted({m.year for m in manifests(root)} | {year})
    aliases = ["latest"] if year == years[-1] else []
    title = f"{year}年度"
    deploy = ["deploy", "--alias-type", "copy", "--update-aliases", "--title", title, "-b", BRANCH]
    _run([*_MIKE, *deploy, str(year), *aliases], root, _environment(year, epoch))
    if aliases:
        _run([*_MIKE, "set-default", "-b", BRANCH, "latest"], root, _environment())
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        build_version(root, year, epoch, site)
        pages = {
            p.relative_to(site).as_posix(): sha256(p)
            for p in sorted(site.rglob("*"))
            if p.is_file()
        }
    from gongkai.catalog import load_catalog

    by_path = {e.path.resolve(): e for e in load_catalog(data_dir).reports}
    files = _year_files(data_dir, year)
    manifest = Manifest(
        year=year,
        frozen=frozen,
        epoch=epoch,
        data={_shown(root, p): sha256(p) for p in files},
        corrections={
            _shown(root, p): len(by_path[p.resolve()].report.corrections)
            for p in files
            if p.resolve() in by_path
        },
        pages=pages,
    )
    manifest.save(root)
    return manifest


def _run(command: list[str], root: Path, env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ArchiveError(f"mike {command[3]} 失败：\n{result.stdout}{result.stderr}")


def export(root: Path, out: Path, site_name: str = "") -> Path:
    """The whole multi-year site as a plain folder (no symlinks, versions.json included)."""
    if out.exists() and any(out.iterdir()):
        raise ArchiveError(f"{out} 不是空目录，请换一个目录")
    out.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", BRANCH], cwd=root, capture_output=True
    )
    if archive.returncode != 0:
        raise ArchiveError(
            f"没有可导出的归档版本（{BRANCH} 分支）：{archive.stderr.decode(errors='replace')}"
        )
    unpack = subprocess.run(
        ["tar", "-x", "-C", str(out)], input=archive.stdout, capture_output=True
    )
    if unpack.returncode != 0:
        raise ArchiveError(unpack.stderr.decode(errors="replace"))
    for path in out.rglob("*"):
        if path.is_symlink():  # mike's copy aliases make none; a plain folder must hold none
            target = path.resolve()
            path.unlink()
            if target.is_dir():
                shutil.copytree(target, path)
            else:
                shutil.copy2(target, path)
    # The server's 404 page: the versions' own ones were left out of their builds.
    import jinja2

    versions = json.loads((out / "versions.json").read_text(encoding="utf-8"))
    env = jinja2.Environment(loader=jinja2.PackageLoader("gongkai", "templates"), autoescape=True)
    page = env.get_template("export-404.html").render(site_name=site_name, versions=versions)
    (out / "404.html").write_text(page, encoding="utf-8")
    return out
