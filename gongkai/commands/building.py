"""``gongkai build``: what ``mkdocs build`` does, except that a failed build leaves the site
folder as it was (生成失败不动原网站).

MkDocs empties the site folder first and, in strict mode, refuses only after writing every
page. Here the site is built into a new folder beside it and put in its place when the build
has succeeded; a build that fails, or is killed, leaves the last good site where the web team
takes it from. The standalone build (独立版) has no ``mkdocs`` program, so this is also its way
to build the site.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from gongkai.files import why_not_written
from gongkai.outputs.background import stop_children

BUILDING = "生成中"
REPLACED = "已替换"


class BuildFailed(Exception):
    """The site was not built; the message says why, in Chinese, after MkDocs' own."""


def build_site(config_file: Path, strict: bool, site_dir: Path | None = None) -> Path:
    """Build the site of ``config_file`` and put it in its site folder; return that folder."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _forget_told()
    try:
        config = load_config(config_file=str(config_file), strict=strict or None)
    except MkDocsException as error:  # mkdocs.yml itself is wrong; MkDocs logged where
        raise _failed(error) from error
    site = Path(site_dir) if site_dir is not None else Path(config.site_dir)
    site = site.resolve()
    _check_replaceable(site, config_file)
    site.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{site.name}.{BUILDING}-{os.getpid()}-", dir=site.parent)
    )
    try:
        # The same configuration, pointed at the new folder (MkDocs' serve sets site_url so too).
        config.site_dir = str(staging)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except MkDocsException as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise _failed(error) from error
    except OSError as error:  # a full disk, a folder not writable: said, not a traceback
        shutil.rmtree(staging, ignore_errors=True)
        why = why_not_written(error).replace(str(staging), str(site))  # the clerk's folder
        raise BuildFailed(
            f"{why}。网站未生成，原有网站保持不变；处理后重新运行 gongkai build。"
        ) from error
    except BaseException as error:
        if not isinstance(error, Exception):  # Ctrl+C: MkDocs stops its plugins only on errors
            config.plugins.on_build_error(error=error)  # type: ignore[arg-type]
            stop_children()  # any the plugins did not stop
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _put_in_place(staging, site)
    return site


def holds_project(site: Path, config_file: Path, data: Path) -> bool:
    """Whether the folder ``site`` is, or holds, the project's own files: its folder, its
    configuration, ``data`` (with the publication records), pages, hooks, archive or git."""
    site = site.resolve()
    project = config_file.resolve().parent
    folders = [data.resolve(), *(project / n for n in ("docs", "archive", ".git", "hooks"))]
    kept = [project, config_file.resolve(), *folders]
    return any(site == place or site in place.parents for place in kept) or any(
        folder in site.parents for folder in folders
    )


HOLDS_PROJECT = (
    "是网站项目本身的文件夹，或包含项目的数据、页面或配置，不能用来存放生成的网站"
    "（生成时会清空或整个替换它）；请换一个文件夹，如默认的 site。"
)


def _check_replaceable(site: Path, config_file: Path) -> None:
    """The site folder is replaced whole: refuse one that holds anything but a built site (a
    mistyped ``-d data`` would otherwise delete the data and its publication records)."""
    from gongkai.settings import SettingsError, read_mkdocs_yml

    try:
        data = read_mkdocs_yml(config_file).data_path
    except SettingsError:  # told where the settings are read; the usual folder meanwhile
        data = config_file.resolve().parent / "data"
    if holds_project(site, config_file, data):
        raise BuildFailed(f"{site} {HOLDS_PROJECT}")
    if site.exists() and not site.is_dir():
        raise BuildFailed(f"{site} 是一个文件，不是文件夹；请换一个文件夹存放生成的网站。")
    if site.is_dir() and any(site.iterdir()) and not (site / "index.html").is_file():
        raise BuildFailed(
            f"{site} 不是以前生成的网站（其中没有 index.html），生成时会整个替换它，为免删掉别的"
            "文件，不予替换；请换一个文件夹，或先把它移走。"
        )


def _failed(error: Exception) -> BuildFailed:
    """Why MkDocs stopped, said after its own messages."""
    warnings = re.search(r"(\d+) warnings?", str(error))
    why = f"严格模式下有 {warnings[1]} 个警告" if warnings else "原因见上"
    return BuildFailed(f"网站未生成（{why}），原有网站保持不变。")


def _forget_told() -> None:
    """MkDocs logs a message only once per process (its DuplicateFilter): a second build in
    the same process, with the same data error, would fail without saying why."""
    from mkdocs.utils import DuplicateFilter

    for told in logging.getLogger("mkdocs.commands.build").filters:
        if isinstance(told, DuplicateFilter):
            told.msgs.clear()


def _put_in_place(staging: Path, site: Path) -> None:
    """Swap the new site in: the old one is renamed aside first, then removed, so that at every
    moment one whole site is there under one of the two names."""
    staging.chmod(0o755)  # mkdtemp makes it private; the web server must read it
    if site.exists():
        old = _replaced(site, os.getpid())
        os.replace(site, old)
        os.replace(staging, site)
        _remove_aside(old, site)
    else:
        os.replace(staging, site)


def _remove_aside(old: Path, site: Path) -> None:
    """Remove the replaced site ``old`` without the clerk waiting for it: the 23,000 files of a
    site of 5,000 project-years took 1.8 s, after the new site was in place. A detached process
    of its own (no process waits for it; Ctrl+C in the terminal does not reach it; it holds
    none of the command's files, so that nobody reading the command's output waits for it
    either) first renames the folder after itself, so that a build starting meanwhile leaves
    it alone (``_remove_leftovers``). Where no process can be forked, it is removed here."""
    try:
        child = os.fork() if hasattr(os, "fork") else None
    except OSError:
        child = None
    if child is None:
        shutil.rmtree(old, ignore_errors=True)
        return
    if child:
        os.waitpid(child, 0)  # it ends at once, leaving the remover behind
        return
    try:  # the child: a new session, and in it the remover, then end
        os.setsid()
        if os.fork() == 0:
            _detach_files()
            mine = _replaced(site, os.getpid())
            try:
                os.replace(old, mine)
            except OSError:
                mine = old
            shutil.rmtree(mine, ignore_errors=True)
    finally:
        os._exit(0)


def _replaced(site: Path, pid: int) -> Path:
    """Where a replaced site waits beside ``site`` for process ``pid`` to remove it (read back by
    ``_remove_leftovers``)."""
    return site.parent / f".{site.name}.{REPLACED}-{pid}"


def _detach_files() -> None:
    """In a detached child: standard input and output on the null device, every other file of
    the parent closed (a pipe a caller reads to its end would otherwise stay open)."""
    null = os.open(os.devnull, os.O_RDWR)
    for number in (0, 1, 2):
        os.dup2(null, number)
    os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)


def _remove_leftovers(site: Path) -> None:
    """Folders a killed build left beside the site (their process is gone)."""
    for kind in (BUILDING, REPLACED):
        for path in site.parent.glob(f".{site.name}.{kind}-*"):
            pid = path.name.removeprefix(f".{site.name}.{kind}-").split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


class Told(logging.Formatter):
    """A build message as the clerk reads it: 警告 or 错误, then MkDocs' or the hooks' text."""

    def format(self, record: logging.LogRecord) -> str:
        label = "错误" if record.levelno >= logging.ERROR else "警告"
        return f"{label}：{record.getMessage().strip()}"
