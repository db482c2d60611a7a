"""``gongkai freeze`` and ``gongkai export``: each budget year frozen as a mike version of the
site, with its manifest (see ``gongkai.checks.frozen``); all versions exported as one plain
folder for the web team."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gongkai.checks.frozen import ARCHIVE_DIR, Manifest, manifests, sha256, shown_path, year_files
from gongkai.commands.programs import program
from gongkai.render.environment import TEMPLATES, environment
from gongkai.settings import CHINA, VERSION_ENV, Portal

BRANCH = "gh-pages"


def _environment(year: int | None = None, epoch: int | None = None) -> dict[str, str]:
    # mike runs the `mkdocs` command: make this interpreter's scripts (a venv's bin, or the
    # standalone folder's launcher) findable.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if year is not None:
        env[VERSION_ENV] = str(year)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


def build_version(root: Path, year: int, epoch: int, site: Path) -> None:
    """The version's site, built as mike builds it: data up to ``year``, the date fixed."""
    command = [*program("mkdocs"), "build", "-q", "-d", str(site)]
    result = subprocess.run(
        command, cwd=root, env=_environment(year, epoch), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise ArchiveError(result.stdout + result.stderr)


class ArchiveError(Exception):
    """A freeze or an export could not be done; the message says why, in Chinese."""


_MIKE = program("mike")


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
    # The header's selector names a snapshot, not a budget year (the sidebar's 年度 are those).
    title = f"归档版本：截至{year}年度"
    deploy = ["deploy", "--alias-type", "copy", "--update-aliases", "--title", title, "-b", BRANCH]
    _run([*_MIKE, *deploy, str(year), *aliases], root, _environment(year, epoch))
    if aliases:
        redirect = ["set-default", "-T", str(TEMPLATES / "redirect.html"), "-b", BRANCH]
        _run([*_MIKE, *redirect, "latest"], root, _environment())
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        build_version(root, year, epoch, site)
        pages = {
            p.relative_to(site).as_posix(): sha256(p)
            for p in sorted(site.rglob("*"))
            if p.is_file()
        }
    from gongkai.checks.ledger import Ledger
    from gongkai.model.catalog import load_catalog

    by_path = {e.path.resolve(): e for e in load_catalog(data_dir).reports}
    files = year_files(data_dir, year)
    manifest = Manifest(
        year=year,
        frozen=frozen,
        epoch=epoch,
        data={shown_path(root, p): sha256(p) for p in files},
        corrections={
            shown_path(root, p): len(by_path[p.resolve()].report.corrections)
            for p in files
            if p.resolve() in by_path
        },
        pages=pages,
        records={
            key: dict(fields)
            for key, fields in sorted(Ledger.load(data_dir).records.items())
            if key.split("/")[0] == str(year)
        },
    )
    manifest.save(root)
    return manifest


def _run(command: list[str], root: Path, env: dict[str, str]) -> None:
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ArchiveError(f"mike {command[len(_MIKE)]} 失败：\n{result.stdout}{result.stderr}")


def export(root: Path, out: Path, site_name: str = "", portal: Portal | None = None) -> Path:
    """The whole multi-year site as a plain folder (no symlinks, versions.json included).

    The folder is made beside ``out`` under a temporary name and renamed into place when it is
    complete: a kill or a full disk leaves no half-exported folder where the web team looks (a
    leftover temporary folder is removed by the next export)."""
    if out.exists() and any(out.iterdir()):
        raise ArchiveError(f"{out} 不是空目录，请换一个目录")
    out.parent.mkdir(parents=True, exist_ok=True)
    for leftover in out.parent.glob(f".{out.name}.partial-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    work = out.parent / f".{out.name}.partial-{os.getpid()}"
    work.mkdir()
    try:
        _export_into(root, work, site_name, portal or Portal())
        if out.exists():
            out.rmdir()
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def _export_into(root: Path, out: Path, site_name: str, portal: Portal) -> None:
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
    versions = json.loads((out / "versions.json").read_text(encoding="utf-8"))
    page = (
        environment()
        .get_template("export-404.html")
        .render(site_name=site_name, versions=versions, portal=portal)
    )
    (out / "404.html").write_text(page, encoding="utf-8")
