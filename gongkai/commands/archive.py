"""``gongkai freeze`` and ``gongkai export``: the archive (归档) of the published years, kept in
the ``gh-pages`` branch, and exported from it as one plain folder for the web team.

The archive grows with the years, not with their square. Its layout:

- a year's files — its report pages, year lists, downloads and originals — are stored once,
  where the live site has them (``2023/…``, ``liebiao/2023/…``, ``xiazai/2023.xlsx`` …).
  They read the same whatever later years are published (no page of a year lists later
  years), so every version links to the same copy;
- each version (归档版本, the site as it stood when a year was frozen) keeps only its pages
  across years — home, lists, project and department pages — under ``banben/<year>/``;
- the newest version's pages across years, the full-text index and the downloads across years
  are at the root, so the root page is the newest version's home; ``banben/`` lists them all.

A freeze builds the version twice at once, on both cores: the whole site (its year's files and
the root) and the version's own pages under ``banben/``. Only files whose bytes changed are
committed, so a correction (``--update``) writes the corrected year's changed pages, and the
pages across years of every version that shows that year, and nothing else.

The layout is the tool's own, not mike's: mike keeps every version as a whole copy of the
site, which made the archive grow with the square of the years (issue 28).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from gongkai.checks.frozen import ARCHIVE_DIR, Manifest, manifests, sha256, shown_path, year_files
from gongkai.commands import faultrecord
from gongkai.commands.programs import program
from gongkai.pages import VERSIONS, version_folder
from gongkai.settings import CHINA, VERSION_ENV, VERSION_PAGES_ENV

BRANCH = "gh-pages"
VERSIONS_FILE = "versions.json"

# A file that belongs to one budget year: its pages (see gongkai.pages.page_year), its
# attachments, its downloads and its list data (gongkai.outputs.opendata / listing).
_YEAR_FILE = re.compile(
    r"(?:liebiao/|shixiao/|bumen/[^/]+/|fujian/)?(\d{4})/"
    r"|xiazai/(?:liebiao/(?:shixiao-)?)?(\d{4})[.-]"
)


def file_year(path: str) -> int | None:
    """The budget year an archive file belongs to, or None for a file across years.

    >>> [file_year(p) for p in ("2023/x/index.html", "bumen/a/2023/index.html",
    ...  "xiazai/2023-yusuan.csv", "xiazai/liebiao/shixiao-2023.js", "fujian/2023/x/a.pdf")]
    [2023, 2023, 2023, 2023, 2023]
    >>> [file_year(p) for p in ("xiangmu/x/index.html", "xiazai/quanbu.xlsx", "search/s/1.js")]
    [None, None, None]
    """
    found = _YEAR_FILE.match(path)
    return int(found.group(1) or found.group(2)) if found else None


class ArchiveError(Exception):
    """A freeze or an export could not be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class Version:
    """One version to build: the year, its freeze date (ISO) and SOURCE_DATE_EPOCH."""

    year: int
    frozen: str
    epoch: int


def _start_build(root: Path, version: Version, site: Path, own_pages: bool) -> subprocess.Popen:
    """One build of ``version`` into ``site``, started: data up to its year, its date fixed;
    with ``own_pages``, only the version's pages across years, under ``banben/<year>/``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env[VERSION_ENV] = str(version.year)
    env["SOURCE_DATE_EPOCH"] = str(version.epoch)
    env.pop(VERSION_PAGES_ENV, None)
    if own_pages:
        env[VERSION_PAGES_ENV] = "1"
    command = [*program("mkdocs"), "build", "-q", "-d", str(site)]
    with site.with_suffix(".log").open("w", encoding="utf-8") as log:  # the child keeps its copy
        return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait(builds: list[tuple[subprocess.Popen, Path]]) -> None:
    failed = []
    for process, site in builds:
        if process.wait() != 0:
            failed.append(site.with_suffix(".log").read_text(encoding="utf-8", errors="replace"))
    if not failed:
        return
    told = "\n".join(failed)
    if faultrecord.TRACEBACK in told:  # a fault of gongkai's, not the data's: not shown raw
        raise ArchiveError(faultrecord.told_details(told, "生成归档版本的网站时，"))
    raise ArchiveError("网站生成失败：\n" + told)


def freeze(root: Path, data_dir: Path, year: int, on: dt.date, update: bool = False) -> Manifest:
    """Freeze ``year`` (归档): store its files and its version, and write its manifest.

    ``update`` stores a frozen year again after a correction, keeping its freeze date: that
    year's files, and every version from that year on (their pages across years show it)."""
    _require_git(root)
    path = root / ARCHIVE_DIR / f"{year}.json"
    frozen = {m.year: m for m in manifests(root)}
    if path.exists() and not update:
        raise ArchiveError(f"{year}年度已经归档（{path}）；更正后请用 --update 重新生成")
    if update and not path.exists():
        raise ArchiveError(f"{year}年度尚未归档，不能 --update")
    _check_layout(root, relayout_allowed=update and year == min(frozen, default=year))
    if update:
        versions = [
            Version(m.year, m.frozen, m.epoch) for y, m in sorted(frozen.items()) if y >= year
        ]
    else:
        if frozen and year < max(frozen):
            raise ArchiveError(f"{year}年度早于已归档的{max(frozen)}年度；年度须按先后顺序归档")
        epoch = int(dt.datetime.combine(on, dt.time(12), CHINA).timestamp())
        versions = [Version(year, on.isoformat(), epoch)]
    written = _store(root, versions, newest=max([*frozen, year]))
    saved = [_save_manifest(root, data_dir, v, written[v.year]) for v in versions]
    return saved[0]


def _check_layout(root: Path, relayout_allowed: bool) -> None:
    """An archive made by an earlier gongkai (one mike copy of the site per version) is laid
    out again as a whole, by ``--update`` of its first year, which rebuilds every version."""
    listed = _read_versions(root)
    if listed and any("path" not in v for v in listed) and not relayout_allowed:
        first = min(m.year for m in manifests(root))
        raise ArchiveError(
            f"{BRANCH} 分支是旧版 gongkai 的归档（每个版本一份完整网站）。"
            f"请先运行 gongkai freeze {first} --update，按新的方式重新生成全部归档版本"
            "（已公开的内容不变，只是不再重复保存）。"
        )


def _read_versions(root: Path) -> list[dict[str, object]]:
    shown = _git(root, "show", f"{BRANCH}:{VERSIONS_FILE}", check=False)
    return json.loads(shown) if shown else []


def _store(root: Path, versions: list[Version], newest: int) -> dict[int, dict[str, str]]:
    """Build ``versions`` and commit to the branch the files whose bytes changed. Returns each
    version's own files (its year's and its pages under banben/) with their SHA-256."""
    before = _tree(root)
    fresh = bool(before) and any("path" not in v for v in _read_versions(root))
    if fresh:  # an old layout: laid out anew from an empty tree
        before = {}
    owned: dict[int, dict[str, str]] = {}
    with _Changes(root, before) as changes:
        for version in versions:
            # Each version's two builds are removed once their changed files are in git.
            with tempfile.TemporaryDirectory(prefix="gongkai-freeze-") as temporary:
                whole, own = Path(temporary, "whole"), Path(temporary, "own")
                _wait(
                    [
                        (_start_build(root, version, whole, own_pages=False), whole),
                        (_start_build(root, version, own, own_pages=True), own),
                    ]
                )
                folder = version_folder(version.year)
                built = dict(_files(whole))  # listed once: tens of thousands of files
                mine = {p: f for p, f in built.items() if file_year(p) == version.year}
                mine |= {p: f for p, f in _files(own) if p.startswith(folder)}
                owned[version.year] = changes.replace(
                    mine, lambda p, y=version.year, f=folder: file_year(p) == y or p.startswith(f)
                )
                if version.year == newest:  # the root: the newest version's pages across years
                    changes.replace({p: f for p, f in built.items() if _at_root(p)}, _at_root)
                # Assets are only added: a year's stored pages keep using the ones they name.
                changes.add({p: f for p, f in built.items() if p.startswith("assets/")})
        changes.add_text(VERSIONS_FILE, _versions_json(root, versions, newest))
        changes.commit(fresh, f"gongkai freeze {'、'.join(str(v.year) for v in versions)}")
    return owned


def _at_root(path: str) -> bool:
    """A file across years at the archive's root: the newest version's (assets aside)."""
    return (
        file_year(path) is None
        and not path.startswith((f"{VERSIONS}/", "assets/"))
        and path != VERSIONS_FILE
    ) or path == f"{VERSIONS}/index.html"


def _files(site: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(site.rglob("*")):
        if path.is_file():
            yield path.relative_to(site).as_posix(), path


def _versions_json(root: Path, versions: list[Version], newest: int) -> str:
    """``versions.json``: the versions, newest first, for a program (people read banben/)."""
    frozen = {m.year: m.frozen for m in manifests(root)} | {v.year: v.frozen for v in versions}
    listed = [
        {
            "version": str(year),
            "title": f"截至{year}年度",
            "frozen": frozen[year],
            "path": version_folder(year),
            "newest": year == newest,
        }
        for year in sorted(frozen, reverse=True)
    ]
    return json.dumps(listed, ensure_ascii=False, indent=1) + "\n"


class _Changes:
    """One commit on the archive branch, streamed into ``git fast-import``: a file is sent as
    it is found to differ from the branch (so no build has to stay on disk for the commit),
    and the commit names only files whose bytes changed, and the files removed."""

    def __init__(self, root: Path, tree: dict[str, str]) -> None:
        self.root = root
        self.tree = tree  # path → git blob id, as the branch holds it
        self.marks: dict[str, int] = {}  # path → fast-import mark of its new content
        self.delete: set[str] = set()
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> _Changes:
        return self

    def __exit__(self, *failed: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # a failed freeze leaves the branch as it was
            self.process.wait()

    def _stream(self) -> IO[bytes]:
        if self.process is None:  # started at the first change: none, no process
            self.process = subprocess.Popen(
                ["git", "fast-import", "--quiet", "--done"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        assert self.process.stdin is not None
        return self.process.stdin

    def _send(self, path: str, data: bytes) -> None:
        mark = len(self.marks) + 1
        self._stream().write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
        self.marks[path] = mark

    def add(self, files: dict[str, Path]) -> dict[str, str]:
        """Send the files that differ from the branch; their SHA-256, for the manifest."""
        digests = {}
        for path, source in sorted(files.items()):
            data = source.read_bytes()
            digests[path] = hashlib.sha256(data).hexdigest()
            if path not in self.marks and self.tree.get(path) != _blob_id(data):
                self._send(path, data)
        return digests

    def replace(self, files: dict[str, Path], owns: Callable[[str], bool]) -> dict[str, str]:
        """``files`` are all there is of a part of the archive (``owns`` says which paths are
        in that part): the part's other files are deleted."""
        self.delete |= {p for p in self.tree if owns(p) and p not in files}
        return self.add(files)

    def add_text(self, path: str, text: str) -> None:
        data = text.encode("utf-8")
        if self.tree.get(path) != _blob_id(data):
            self._send(path, data)

    def commit(self, fresh: bool, title: str) -> None:
        if not (self.marks or self.delete or fresh):
            return
        ident = _git(self.root, "var", "GIT_COMMITTER_IDENT", check=False).strip()
        if not ident:
            raise ArchiveError("git 没有设置提交人：请先运行 git config user.name 与 user.email")
        parent = _git(
            self.root, "rev-parse", "--verify", "-q", f"refs/heads/{BRANCH}", check=False
        ).strip()
        deleted = sorted(self.delete - self.marks.keys())
        message = f"{title}：写入 {len(self.marks)} 个文件，删除 {len(deleted)} 个\n".encode()
        out = self._stream()
        process = self.process
        assert process is not None
        out.write(f"commit refs/heads/{BRANCH}\ncommitter {ident}\n".encode())
        out.write(b"data %d\n%s" % (len(message), message))
        if parent:
            out.write(f"from {parent}\n".encode())
        if fresh:
            out.write(b"deleteall\n")
        for path in deleted:
            out.write(f"D {path}\n".encode())
        for path, mark in sorted(self.marks.items()):
            out.write(f"M 100644 :{mark} {path}\n".encode())
        out.write(b"done\n")
        out.close()
        if process.wait() != 0:
            assert process.stderr is not None
            error = process.stderr.read().decode(errors="replace")
            taken = _LOCK_TAKEN.search(error)
            if taken:
                raise ArchiveError(
                    f"写入 {BRANCH} 分支失败：git 锁文件 {taken.group(1)} 已存在，"
                    "另一个 git 命令正在改动这个仓库，或者曾经中途退出。"
                    "请确认没有 git 命令在运行后删除这个文件，再运行同一条命令。"
                )
            raise ArchiveError(f"写入 {BRANCH} 分支失败：{error}")


# git's lock files (…/refs/heads/gh-pages.lock) stay when the git holding them is killed.
_LOCK_TAKEN = re.compile(r"Unable to create '([^']+\.lock)': File exists")
LOCK_WAIT_SECONDS = 3.0


def _branch_locks(root: Path) -> list[Path]:
    """The lock files git takes to move the archive branch."""
    found = []
    for name in (f"refs/heads/{BRANCH}.lock", "packed-refs.lock"):
        where = _git(root, "rev-parse", "--git-path", name, check=False).strip()
        if where:
            found.append((root / where).resolve())
    return found


def release_branch_locks(root: Path, since: float | None) -> list[str]:
    """Remove the branch's lock files that a freeze which died left behind (its git killed
    with it); returns what the clerk is told. Only the archive's freeze moves the branch, under
    the writer lock, so a lock file made after that freeze started is its own. A git still
    finishing its work (the freeze alone was killed) is given a few seconds to let go."""
    told = []
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    for lock in _branch_locks(root):
        while lock.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        try:
            made = lock.stat().st_mtime
        except FileNotFoundError:
            continue
        if since is not None and made < since - 1:  # older than that freeze: not its own
            continue
        lock.unlink(missing_ok=True)
        told.append(f"已删除上一次 gongkai freeze 留下的 git 锁文件 {lock}（归档分支未被改动）。")
    return told


def _blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _require_git(root: Path) -> None:
    """The archive is kept on a git branch: say so before anything is built, not as the
    broken pipe of a git that refused to start."""
    if shutil.which("git") is None:
        raise ArchiveError("没有找到 git：归档保存在 git 仓库的 gh-pages 分支中，请先安装 git。")
    inside = subprocess.run(["git", "rev-parse", "--git-dir"], cwd=root, capture_output=True)
    if inside.returncode != 0:
        raise ArchiveError(
            f"{root.resolve()} 不是 git 仓库：归档保存在 git 仓库的 gh-pages 分支中。"
            "请先在这个文件夹运行 git init 并提交数据（git add -A、git commit），再归档。"
        )


def _git(root: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True)
    if result.returncode != 0:
        if check:
            raise ArchiveError(f"git {args[0]} 失败：{result.stderr.decode(errors='replace')}")
        return ""
    return result.stdout.decode("utf-8")


def _tree(root: Path) -> dict[str, str]:
    listing = _git(root, "ls-tree", "-r", "-z", "--full-tree", BRANCH, check=False)
    tree = {}
    for entry in filter(None, listing.split("\0")):
        meta, path = entry.split("\t", 1)
        tree[path] = meta.split()[2]
    return tree


def _save_manifest(root: Path, data_dir: Path, version: Version, pages: dict[str, str]) -> Manifest:
    from gongkai.checks.ledger import Ledger
    from gongkai.model.catalog import load_catalog

    by_path = {e.path.resolve(): e for e in load_catalog(data_dir).reports}
    files = year_files(data_dir, version.year)
    manifest = Manifest(
        year=version.year,
        frozen=version.frozen,
        epoch=version.epoch,
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
            if key.split("/")[0] == str(version.year)
        },
    )
    manifest.save(root)
    return manifest


def export(root: Path, out: Path) -> Path:
    """The archive as a plain folder (no symlinks; ``versions.json`` included).

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
        _export_into(root, work)
        if out.exists():
            out.rmdir()
        os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def _export_into(root: Path, out: Path) -> None:
    if not _tree(root):
        raise ArchiveError(f"没有可导出的归档版本（{BRANCH} 分支）：请先运行 gongkai freeze")
    _check_layout(root, relayout_allowed=False)
    # Streamed: git archive's tar goes straight into tar, never whole in memory.
    archive = subprocess.Popen(
        ["git", "archive", "--format=tar", BRANCH], cwd=root, stdout=subprocess.PIPE
    )
    unpack = subprocess.run(
        ["tar", "-x", "-C", str(out)], stdin=archive.stdout, capture_output=True
    )
    if archive.wait() != 0 or unpack.returncode != 0:
        raise ArchiveError(f"导出失败：{unpack.stderr.decode(errors='replace')}")
