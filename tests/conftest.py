"""Shared fixtures: the repository's paths, a writable copy of the sample data, the built site."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from gongkai.commands import cli
from gongkai.outputs.kept import NO_KEPT

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
# Builds here write every download themselves (two builds compared must both be written): the
# bundles kept between builds are tested on their own, in test_opendata.
os.environ[NO_KEPT] = "1"
SAMPLE = DATA / "2023" / "xiqu-xinfangju"


@dataclass
class Ran:
    """What a command run in process left: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def _inside(cwd: Path, env: dict[str, str] | None) -> Iterator[None]:
    """Run as if started in ``cwd`` with ``env`` added, and put everything back after."""
    saved_cwd, saved_env = Path.cwd(), dict(os.environ)
    os.chdir(cwd)
    os.environ.update({"NO_MKDOCS_2_WARNING": "1", **(env or {})})
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


def _exit_code(error: SystemExit, err: io.StringIO) -> int:
    if error.code is None or isinstance(error.code, int):
        return error.code or 0
    print(error.code, file=err)
    return 1


def mkdocs_build(project: Path, site: Path, *extra: str, env: dict[str, str] | None = None) -> Ran:
    """``mkdocs build --strict`` as a clerk runs it, in this process (the command line is
    MkDocs' own; importing MkDocs, Material and jieba once saves seconds a build)."""
    from mkdocs.__main__ import cli as mkdocs_cli

    out, err = io.StringIO(), io.StringIO()
    logger = logging.getLogger("mkdocs")
    handlers = list(logger.handlers)  # MkDocs' command line adds its own each time it runs
    # and a filter that drops a message said before: a clerk's run is a process of its own,
    # where an error said by an earlier test's build is said again.
    builder = logging.getLogger("mkdocs.commands.build")
    filters = list(builder.filters)
    args = ["build", "--strict", "-d", str(site), *extra]
    with _inside(project, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            mkdocs_cli.main(args, prog_name="mkdocs", standalone_mode=True)
            code = 0
        except SystemExit as error:
            code = _exit_code(error, err)
        finally:
            logger.handlers[:] = handlers
            builder.filters[:] = [
                kept for kept in builder.filters if kept in filters or not _says_once(kept)
            ]
    return Ran(code, out.getvalue(), err.getvalue())


def _says_once(check: object) -> bool:
    from mkdocs.utils import DuplicateFilter

    return isinstance(check, DuplicateFilter)


def run_cli(cwd: Path, *args: str, env: dict[str, str] | None = None) -> Ran:
    """The ``gongkai`` command as a clerk runs it, in ``cwd``, in this process."""
    out, err = io.StringIO(), io.StringIO()
    with _inside(cwd, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as error:
            code = _exit_code(error, err)
    return Ran(code, out.getvalue(), err.getvalue())


def run_cli_process(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The ``gongkai`` command in a process of its own: where the process boundary itself is
    what a test is about (the exit status a shell sees, the module entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "gongkai.commands.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def running(pid: int) -> bool:
    """Whether process ``pid`` still runs (Linux: read from /proc): not gone, and not ended and
    waiting to be reaped by its parent (a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def as_a_terminal_starts_it() -> None:
    """For a child process: Ctrl+C reaches a command a terminal starts, but a test process may
    have it ignored or blocked (twice in the full suite a build never saw the signal), and a
    child keeps both."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def ended_or_told(process: subprocess.Popen[str], timeout: float) -> tuple[str, str]:
    """The output of ``process`` (a process group's leader, started with PYTHONFAULTHANDLER=1)
    once it and every process holding its pipes have ended; if they do not within ``timeout``,
    the test fails with where each process of the group waits (Python's traceback of every
    thread, printed on SIGABRT) and what the system says of each."""
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    group = subprocess.run(
        ["ps", "-g", str(process.pid), "-o", "pid,ppid,stat,wchan:24,etimes,args"],
        capture_output=True,
        text=True,
    ).stdout
    leader = "ended" if process.poll() is not None else "still running"
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGABRT)
    try:
        out, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    pytest.fail(f"not ended in {timeout} s (the build itself {leader})\n{group}\n{out}\n{err}")


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its sha256, to compare two builds byte for byte."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def copy_project(dest: Path) -> Path:
    """A copy of the site project (config, hooks, docs, data) to change freely."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "hooks", "docs", "data"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name)
        else:
            shutil.copy2(source, dest / name)
    return dest


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site, built once per test session with ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the session; skipped where none is installed (not in CI)."""
    from browsing import launch_browser

    yield from launch_browser()
