"""Fault trials (issue 24): ``publish``, ``import`` and ``freeze`` killed with SIGKILL after a
random delay, as a power cut or a closed terminal would. After each kill every file the tool
writes must parse, and rerunning the same command must finish and leave exactly what an
uninterrupted run leaves: the publication records agree with the data files.

An uninterrupted run is timed first on this machine, noting when its first write came; half the
delays (seeded) fall anywhere in the run, half within its writing, so kills land before, during
and after the writes. Each run is forked from a Python that has gongkai imported (see
``WarmCommand``), so the delays fall in the command's own work. Slow: about 200 kills.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import copy_project, run_cli
from test_archive import GIT_ENV, git

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).parent / "corpus" / "real" / "built"
PUBLISH = ("publish", "--date", "2024-02-20")
IMPORTED = [  # one form a project, so one data file each
    CORPUS / name
    for name in (
        "ah-chuzhou-2022-sanzhi",
        "ah-guichi-2022-weituo",
        "ah-jinzhai-2023-chagu",
        "ah-xiaoxian-2023-hexi",
        "sc-qingshen-2023-gongzi",
        "sc-daying-2023-anke",
        "sc-jingyan-2023-mata",
        "sc-zhongjiang-2022-biaochi",
        "cq-fengjie-2023-yunwu",
        "yn-changning-2022-shengzhu",
    )
]
IMPORT = ("import", *(str(next(iter(sorted(p.glob("*.xlsx"))), p)) for p in IMPORTED))
IMPORT_ARGS = (*IMPORT, "--department", "xiqu-xinfangju")


def _written(project: Path) -> dict[str, bytes]:
    """Every file the tool writes or keeps (data, records, manifests), by path."""
    found = {}
    for folder in ("data", "archive"):
        for path in sorted((project / folder).rglob("*")):
            if path.is_file() and path.name != "导入核对.xlsx":
                found[path.relative_to(project).as_posix()] = path.read_bytes()
    return found


# libyaml where it is built in: the check parses every data file after every kill.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _copy(template: Path, dest: Path) -> None:
    """A copy of ``template`` at ``dest``, links kept; ``cp -a`` is six times faster than
    ``shutil.copytree`` on a project of 300 reports, copied once a kill."""
    subprocess.run(["cp", "-a", str(template), str(dest)], check=True)


def _every_file_parses(project: Path) -> None:
    for name, content in _written(project).items():
        if name.endswith(".tmp"):
            continue  # a killed writer's temporary: the next writer removes it
        text = content.decode("utf-8")
        if name.endswith(".json"):
            json.loads(text)
        elif name.endswith((".yml", ".yaml")):
            assert yaml.load(text, Loader=_YAML_LOADER) is not None, name


# A Python with gongkai and its readers imported and jieba's dictionary loaded, forking one
# command-line run per request: the same code a clerk's command runs, without paying the
# interpreter's start 200 times (a kill there lands before any write, as the runs do anyway).
_WARM = """
import json, os, sys
import jieba
import gongkai.commands.cli as cli
import gongkai.commands.importing.run
import openpyxl, xlsxwriter  # what import loads when it reads and writes workbooks
jieba.initialize()
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.chdir(request["cwd"])
        out = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        os.dup2(out, 1)
        os.dup2(out, 2)
        try:
            code = cli.main(request["args"])
        except SystemExit as error:
            code = error.code if isinstance(error.code, int) else 1
        except BaseException:
            import traceback
            traceback.print_exc()
            code = 70
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code or 0)
    try:
        os.setpgid(pid, pid)  # before the pid is told, so a kill reaches the whole group
    except OSError:
        pass  # the child set it first
    sys.stdout.write(json.dumps({"pid": pid}) + "\\n")
    sys.stdout.flush()
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\\n")
    sys.stdout.flush()
"""


class WarmCommand:
    """Runs of the ``gongkai`` command line forked from one warm Python, each in a process
    group of its own (so a kill takes MkDocs and git, freeze's children, with it)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WARM],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,  # unbuffered, so select() sees every line the moment it is written
            env={**os.environ, **GIT_ENV},
        )

    def _line(self) -> dict[str, int]:
        assert self.process.stdout is not None
        raw = b""
        while not raw.endswith(b"\n"):
            byte = self.process.stdout.read(1)
            assert byte, "the warm Python ended"
            raw += byte
        return json.loads(raw)

    def start(self, project: Path, args: tuple[str, ...], output: Path | None = None) -> int:
        """Start ``gongkai *args`` in ``project``; its process id."""
        assert self.process.stdin is not None
        request = {"cwd": str(project), "args": list(args), "output": str(output or os.devnull)}
        self.process.stdin.write((json.dumps(request) + "\n").encode())
        return self._line()["pid"]

    def finished(self) -> bool:
        return bool(select.select([self.process.stdout], [], [], 0)[0])

    def wait(self) -> int:
        """The exit code of the run started last (negative: the signal that ended it)."""
        return self._line()["status"]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmCommand]:
    runner = WarmCommand()
    try:
        yield runner
    finally:
        runner.close()


def _kill_after(warm: WarmCommand, project: Path, args: tuple[str, ...], delay: float) -> None:
    pid = warm.start(project, args)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # it may have finished before the kill
        os.killpg(pid, signal.SIGKILL)
    warm.wait()


def _state(project: Path) -> dict[str, int]:
    """Every file's modification time, read while the command runs: a temporary file of an
    atomic write may be renamed between the listing and its stat (seen once in CI)."""
    state = {}
    for folder in ("data", "archive"):
        for path in (project / folder).rglob("*"):
            try:
                if path.is_file():
                    state[path.as_posix()] = path.stat().st_mtime_ns
            except FileNotFoundError:
                continue
    return state


def _first_write(warm: WarmCommand, project: Path, args: tuple[str, ...]) -> float:
    """When an uninterrupted run first writes, as a fraction of its length (watched every
    millisecond or so)."""
    initial = _state(project)
    started = time.monotonic()
    warm.start(project, args)
    first = None
    while not warm.finished():
        if first is None and _state(project) != initial:
            first = time.monotonic() - started
        time.sleep(0.001)
    watched = time.monotonic() - started
    assert warm.wait() == 0
    return (first if first is not None else watched) / watched


def _timed(
    warm: WarmCommand, tmp_path: Path, template: Path, args: tuple[str, ...]
) -> tuple[float, float, Path]:
    """When the first write comes and how long an uninterrupted run takes (watching slows a
    run, so the length is taken from a second run, not watched), and that run's folder."""
    watched = tmp_path / "watched"
    _copy(template, watched)
    fraction = _first_write(warm, watched, args)
    shutil.rmtree(watched)
    finished = tmp_path / "finished"
    _copy(template, finished)
    output = tmp_path / "finished.out"
    started = time.monotonic()
    warm.start(finished, args, output)
    code = warm.wait()
    span = time.monotonic() - started
    assert code == 0, output.read_text(encoding="utf-8")
    return fraction * span, span, finished


_TIMINGS: dict[str, tuple[float, float, dict[str, bytes]]] = {}


def _timed_once(
    warm: WarmCommand,
    tmp_path: Path,
    template: Path,
    args: tuple[str, ...],
    before: dict[str, bytes],
) -> tuple[float, float, dict[str, bytes]]:
    """``_timed`` and what the uninterrupted run wrote, taken once in each test process for a
    command and a template's content: the batches of publish and of import start from equal
    templates, and the watched run costs as much as a dozen kills."""
    key = hashlib.sha256(repr((args, sorted(before.items()))).encode()).hexdigest()
    if key not in _TIMINGS:
        first, span, finished = _timed(warm, tmp_path, template, args)
        _TIMINGS[key] = (first, span, _written(finished))
        shutil.rmtree(finished)
    return _TIMINGS[key]


def _delay(rng: random.Random, first: float, span: float) -> float:
    """A third of the kills anywhere in the run, a third in its writing (from just before the
    first write to the end), a third in the first 60 ms of writing, where an import writes
    all its data files."""
    draw = rng.random()
    if draw < 1 / 3:
        return rng.uniform(0.0, span * 1.05)
    if draw < 2 / 3:
        return rng.uniform(max(0.0, first - 0.02), span)
    return rng.uniform(max(0.0, first - 0.01), first + 0.05)


def _unpublished(project: Path) -> Path:
    for number in range(150):  # enough reports that the writing takes a while to kill into
        path = project / f"data/2024/xiqu-xinfangju/xin{number}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"name: 新项目{number}\nbudget:\n  - year: 2024\n    initial: 10000\n"
            "disclosure:\n  targets:\n    approved: 2024-02-10\n",
            encoding="utf-8",
        )
    return project


def _trials(
    warm: WarmCommand,
    tmp_path: Path,
    template: Path,
    args: tuple[str, ...],
    rerun: tuple[str, ...],
    count: int,
    seed: int,
) -> dict[str, int]:
    """``count`` kills of ``args`` on copies of ``template``; each copy is checked, then
    completed with ``rerun`` and compared with an uninterrupted run. How the kills landed."""
    before = _written(template)
    first, span, expected = _timed_once(warm, tmp_path, template, args, before)
    rng = random.Random(seed)
    landed = {"before any write": 0, "midway": 0, "after the last write": 0}
    for trial in range(count):
        project = tmp_path / f"trial{trial}"
        _copy(template, project)
        _kill_after(warm, project, args, _delay(rng, first, span))
        _every_file_parses(project)
        now = {k: v for k, v in _written(project).items() if not k.endswith(".tmp")}
        landed[
            "before any write"
            if now == before
            else "after the last write"
            if now == expected
            else "midway"
        ] += 1
        result = run_cli(project, *rerun, env=GIT_ENV)
        assert result.returncode == 0, (trial, result.stdout + result.stderr)
        assert _written(project) == expected, trial  # temporaries removed, nothing half done
        checked = run_cli(project, "check")
        assert checked.returncode in (0, 3), (trial, checked.stdout + checked.stderr)
        shutil.rmtree(project)
    _report(args[0], landed)
    return landed


def _report(command: str, landed: dict[str, int]) -> None:
    """Where the kills landed, for the README's figures (GONGKAI_FAULT_REPORT names a file)."""
    target = os.environ.get("GONGKAI_FAULT_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as stream:
            stream.write(json.dumps({"command": command, **landed}, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("batch", range(8))
def test_publish_killed_at_any_instant_loses_nothing(
    warm: WarmCommand, tmp_path: Path, batch: int
) -> None:
    template = _unpublished(copy_project(tmp_path / "template"))
    _trials(warm, tmp_path, template, PUBLISH, PUBLISH, 14, seed=batch)


@pytest.mark.parametrize("batch", range(6))
def test_import_killed_at_any_instant_loses_nothing(
    warm: WarmCommand, tmp_path: Path, batch: int
) -> None:
    template = copy_project(tmp_path / "template")
    _trials(warm, tmp_path, template, IMPORT_ARGS, IMPORT_ARGS, 13, seed=100 + batch)


@pytest.mark.parametrize("batch", range(2))
def test_freeze_killed_at_any_instant_loses_nothing(
    warm: WarmCommand, tmp_path: Path, batch: int
) -> None:
    """A freeze killed after its manifest was written is finished with ``--update``, as the
    clerk is told; before that, the same command again."""
    template = copy_project(tmp_path / "template")
    (template / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(template, "init", "-q", "-b", "main")
    git(template, "add", "-A")
    git(template, "commit", "-qm", "data")
    args = ("freeze", "2023", "--date", "2024-01-31")
    first, span, finished = _timed(warm, tmp_path, template, args)
    expected = _written(finished)
    rng = random.Random(200 + batch)
    landed = {"before any write": 0, "midway": 0, "after the last write": 0}
    for trial in range(6):
        project = tmp_path / f"trial{trial}"
        _copy(template, project)
        _kill_after(warm, project, args, _delay(rng, first, span))
        _every_file_parses(project)
        refs = subprocess.run(["git", "show-ref"], cwd=project, capture_output=True, text=True)
        deployed = len(refs.stdout.splitlines()) > 1  # the archive branch is committed
        landed[
            "after the last write"
            if _written(project) == expected
            else "midway"
            if deployed
            else "before any write"
        ] += 1
        again = (*args, "--update") if (project / "archive/2023.json").exists() else args
        result = run_cli(project, *again, env=GIT_ENV)
        assert result.returncode == 0, (trial, result.stdout + result.stderr)
        assert _written(project) == expected, trial
        checked = run_cli(project, "check")
        assert checked.returncode in (0, 3), (trial, checked.stdout + checked.stderr)
        shutil.rmtree(project)
    _report("freeze", landed)


def test_a_git_lock_left_by_a_killed_freeze_is_cleared(tmp_path: Path) -> None:
    """A freeze killed while its git moved the archive branch leaves git's lock file (seen in
    CI: the next freeze failed with git's English "remove the file manually"). After a freeze
    that died, the next one removes the lock its git left and says so; a lock with no dead
    freeze behind it is left alone and explained in Chinese, and nothing is half written."""
    from gongkai.lock import lock_path

    project = copy_project(tmp_path / "project")
    (project / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "data")
    stale = project / ".git/refs/heads/gh-pages.lock"
    stale.write_text("", encoding="utf-8")
    args = ("freeze", "2023", "--date", "2024-01-31")

    refused = run_cli(project, *args, env=GIT_ENV)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    assert f"git 锁文件 {stale} 已存在" in refused.stderr, refused.stderr
    assert "请确认没有 git 命令在运行后删除这个文件" in refused.stderr
    assert stale.exists() and not (project / "archive/2023.json").exists()
    shown = subprocess.run(["git", "show-ref"], cwd=project, capture_output=True, text=True)
    assert "gh-pages" not in shown.stdout

    # The lock file now says a freeze started before the git lock was made, and died.
    lock_path(project / "data").write_text(
        json.dumps({"command": "freeze", "pid": 999999, "since": "2024-01-31T12:00:00+08:00"}),
        encoding="utf-8",
    )
    finished = run_cli(project, *args, env=GIT_ENV)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "上一次 gongkai freeze（进程 999999" in finished.stderr
    assert f"已删除上一次 gongkai freeze 留下的 git 锁文件 {stale}" in finished.stderr
    assert not stale.exists() and (project / "archive/2023.json").exists()
    shown = subprocess.run(["git", "show-ref"], cwd=project, capture_output=True, text=True)
    assert "refs/heads/gh-pages" in shown.stdout


def test_a_git_lock_older_than_the_dead_freeze_is_not_its_own(tmp_path: Path) -> None:
    """Only a lock file made after the dead freeze started is taken for its own."""
    from gongkai.commands.archive import release_branch_locks

    git(tmp_path, "init", "-q", "-b", "main")
    stale = tmp_path / ".git/refs/heads/gh-pages.lock"
    stale.write_text("", encoding="utf-8")
    os.utime(stale, (1_000_000_000, 1_000_000_000))
    assert release_branch_locks(tmp_path, since=1_700_000_000.0) == []
    assert stale.exists()
    told = release_branch_locks(tmp_path, since=999_000_000.0)
    assert len(told) == 1 and str(stale) in told[0] and not stale.exists()
