"""``gongkai build``: the site as ``mkdocs build`` makes it, put in place only when the build
succeeded (a strict-mode warning, which MkDocs reports after writing every page, or a data
error leaves the last good site as it was); and the one executable of the standalone build,
which is also ``mkdocs`` for the archive commands' children."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    as_a_terminal_starts_it,
    copy_project,
    ended_or_told,
    fingerprint,
    mkdocs_build,
    run_cli,
    running,
)

from gongkai.commands import entry, programs
from gongkai.outputs.background import second_core


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("build") / "project")


def _set_aside(project: Path, seconds: float = 60) -> list[str]:
    """The folders beside the site once the last build's detached remover has finished."""
    deadline = time.monotonic() + seconds
    while left := [p.name for p in project.iterdir() if p.name.startswith(".site")]:
        if time.monotonic() > deadline:
            return left
        time.sleep(0.05)
    return []


def test_gongkai_build_makes_the_same_site_as_mkdocs_build(project: Path, tmp_path: Path) -> None:
    built = run_cli(project, "build", "--strict")
    assert built.returncode == 0, built.stderr
    assert f"网站已生成：{(project / 'site').resolve()}" in built.stdout
    assert mkdocs_build(project, tmp_path / "plain").returncode == 0
    assert fingerprint(project / "site") == fingerprint(tmp_path / "plain")
    assert _set_aside(project) == []  # no staging, and the replaced site removed


def test_the_replaced_site_is_removed_after_the_command_has_returned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clerk does not wait for the old site's removal (1.8 s at 5,000 project-years): a
    detached process removes it, under a name carrying its own process number (a build
    starting meanwhile leaves it alone), holding none of the command's files, so that a
    caller reading the command's output to its end is not held either. The removal here
    waits for a gate the test opens (the remover is forked with it), so nothing is timed."""
    import select
    import shutil

    from gongkai.commands import building

    gate, remove = tmp_path / "gate", shutil.rmtree

    def gated(path: Path, ignore_errors: bool = False) -> None:
        deadline = time.monotonic() + 60
        while not gate.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        remove(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(building.shutil, "rmtree", gated)
    site, staging = tmp_path / "site", tmp_path / ".site.生成中-new"
    for folder, page in ((site, "旧"), (staging, "新")):
        (folder / "many").mkdir(parents=True)
        (folder / "index.html").write_text(page, encoding="utf-8")
    output, held = os.pipe()  # as a caller's pipe to the command's output
    try:
        building._put_in_place(staging, site)
        os.close(held)
        held = -1
        # The command's end of the pipe was its last: the caller reads to the end at once.
        assert select.select([output], [], [], 10)[0] and os.read(output, 1) == b""
    finally:
        os.close(output)
        if held >= 0:
            os.close(held)
    assert (site / "index.html").read_text(encoding="utf-8") == "新"
    aside = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.已替换-")]
    assert len(aside) == 1, aside
    remover = int(aside[0].rsplit("-", 1)[1])
    assert remover != os.getpid() and running(remover)
    gate.touch()
    assert _set_aside(tmp_path) == []


def test_a_strict_warning_leaves_the_last_site_as_it_was(project: Path) -> None:
    site = project / "site"
    assert run_cli(project, "build", "-d", str(site)).returncode == 0
    before = fingerprint(site)
    broken = project / "docs/broken.md"
    broken.write_text("# 试\n\n[别处](nope.md)\n", encoding="utf-8")
    try:
        failed = run_cli(project, "build", "--strict")
    finally:
        broken.unlink()
    assert failed.returncode == 1
    assert "警告：Doc file 'broken.md' contains a link 'nope.md'" in failed.stderr
    assert "网站未生成（严格模式下有 1 个警告），原有网站保持不变。" in failed.stderr
    assert "Traceback" not in failed.stderr
    # plain `mkdocs build --strict` would have written broken/index.html into the site
    assert fingerprint(site) == before
    assert _set_aside(project) == []  # no staging, and the first build's replaced site removed


def _build_with_a_change(project: Path, name: str, old: str, new: str) -> tuple[Any, bool]:
    """A good build, then a build with ``old`` replaced by ``new`` in the project's file
    ``name`` (put back afterwards): the second build's result, and whether the site is as the
    first build left it."""
    site = project / "site"
    assert run_cli(project, "build").returncode == 0
    before = fingerprint(site)
    path = project / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    try:
        failed = run_cli(project, "build")
    finally:
        path.write_text(text, encoding="utf-8")
    return failed, fingerprint(site) == before


def test_a_data_error_leaves_the_last_site_as_it_was(project: Path) -> None:
    failed, unchanged = _build_with_a_change(
        project, "data/2023/xiqu-xinfangju/baoan-feiyong.yml", "executed: 80000", "executed: 八万"
    )
    assert failed.returncode == 1
    assert "baoan-feiyong.yml 第" in failed.stderr
    assert "budget[0].executed（实际执行）" in failed.stderr
    assert "原有网站保持不变" in failed.stderr
    assert unchanged


def test_a_wrong_mkdocs_yml_is_told_and_leaves_the_last_site_as_it_was(project: Path) -> None:
    failed, unchanged = _build_with_a_change(
        project, "mkdocs.yml", "  name: material", "  name: nosuchtheme"
    )
    assert failed.returncode == 1
    assert "错误：Config value 'theme': Unrecognised theme name: 'nosuchtheme'" in failed.stderr
    assert "网站未生成（原因见上），原有网站保持不变。" in failed.stderr
    assert unchanged


@pytest.mark.parametrize("serial", ["1", "0"])
def test_a_full_disk_is_told_and_leaves_the_last_site_as_it_was(project: Path, serial: str) -> None:
    """Files past 200 KB cannot be written (RLIMIT_FSIZE, as a full disk): the build stops
    with the clerk's words and the site folder's own name, not a traceback, in one process
    and in several; the last site is untouched and nothing of the failed build is left."""
    site = project / "site"
    assert run_cli(project, "build", "-d", str(site)).returncode == 0
    before = fingerprint(site)
    limit = 200 * 1024
    failed = subprocess.run(
        [sys.executable, "-m", "gongkai.commands.cli", "build"],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "GONGKAI_SERIAL": serial, "NO_MKDOCS_2_WARNING": "1"},
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
        timeout=300,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Traceback" not in failed.stderr, failed.stderr
    assert f"磁盘已满（或文件超过允许的大小），未能写入：{site.resolve()}/assets/" in failed.stderr
    assert "网站未生成，原有网站保持不变；处理后重新运行 gongkai build。" in failed.stderr
    assert fingerprint(site) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.skipif(not second_core(), reason="the work is done in the build's own process")
@pytest.mark.parametrize("work", ["downloads", "index"])
def test_a_child_that_cannot_write_says_so_without_a_traceback(tmp_path: Path, work: str) -> None:
    """The children writing the downloads and the full-text index: a file they cannot write
    is told in the clerk's words and the build reports the child failed."""
    script = f"""
import errno, logging, sys
from pathlib import Path
from gongkai.outputs.background import Background, BackgroundError
from gongkai.outputs.fulltext import IndexWriter
logging.basicConfig(format="%(message)s")
def full():
    raise OSError(errno.ENOSPC, "No space left on device", "/site/xiazai/quanbu.xlsx")
try:
    if {work!r} == "downloads":
        Background(full).wait()
    else:
        blocked = Path({str(tmp_path)!r}) / "a-file"
        blocked.write_text("")
        IndexWriter(blocked / "site").close()  # its folder cannot be made under a file
except BackgroundError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
"""
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert ran.returncode == 1 and "Traceback" not in ran.stderr, ran.stderr
    if work == "downloads":
        told = "写入下载文件时出错：磁盘已满（或文件超过允许的大小），未能写入：/site/xiazai/quanbu.xlsx"
        assert told in ran.stderr, ran.stderr
        assert "写入下载文件的后台进程失败（退出码 1）" in ran.stderr
    else:
        assert f"写入全文索引时出错：写入失败（Not a directory）：{tmp_path}/a-file" in ran.stderr
        assert "写入全文索引的后台进程失败（退出码 1）" in ran.stderr


def test_ctrl_c_stops_the_build_and_its_children_quietly(tmp_path: Path) -> None:
    """Ctrl+C, sent by a terminal to every process of the build (here to its process group,
    while it writes 300 project-years): one plain sentence, exit 130, no traceback from the
    build or its children, the last site untouched and no folder of the stopped build left."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
    import bench

    data = tmp_path / "data"
    bench.synthesise(data, 300)
    project = bench.hooks_project(tmp_path, data)
    site = project / "site"
    assert run_cli(project, "build").returncode == 0
    before = fingerprint(site)
    building = subprocess.Popen(
        [sys.executable, "-m", "gongkai.commands.cli", "build"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Python's own tracebacks on SIGABRT: where each process waits, if one does not end.
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONFAULTHANDLER": "1"},
        start_new_session=True,  # a process group of its own, as a terminal's foreground job
        preexec_fn=as_a_terminal_starts_it,
    )
    deadline = time.monotonic() + 120
    # The theme's files are copied after the children start and before any page is written;
    # a moment later the children are at their work, with every page still to do (waiting for
    # a page came too late at times: the build ended as the signal arrived).
    while not any(project.glob(".site.生成中-*/assets/stylesheets")):
        assert building.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.3)
    status = Path(f"/proc/{building.pid}/status").read_text(encoding="utf-8")
    masks = [line for line in status.splitlines() if line.startswith(("SigBlk", "SigIgn"))]
    os.killpg(building.pid, signal.SIGINT)
    out, err = ended_or_told(building, timeout=120)
    assert building.returncode == 130, (out + err, masks)
    assert err.strip().splitlines()[-1] == "已中断：网站未生成，原有网站保持不变。", err
    assert "Traceback" not in err and "出错" not in err, err
    assert fingerprint(site) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.parametrize("target", ["data", ".", "docs", "data/2023", "..", "a-file", "notes"])
def test_a_site_folder_that_holds_anything_else_is_refused(tmp_path: Path, target: str) -> None:
    """The site folder is replaced whole, so a mistyped -d must not take the data (with the
    publication records), the project, a file or someone's folder with it: refused, said
    in Chinese, nothing touched. ``mkdocs build`` refuses the project's folders too (it would
    empty them)."""
    project = copy_project(tmp_path / "project")
    (project / "a-file").write_text("经办人员的文件", encoding="utf-8")
    (project / "notes").mkdir()
    (project / "notes/记录.txt").write_text("别的文件", encoding="utf-8")
    before = fingerprint(project)
    refused = run_cli(project, "build", "-d", target)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    said = {
        "a-file": "是一个文件，不是文件夹",
        "notes": "不是以前生成的网站（其中没有 index.html）",
    }.get(target, "是网站项目本身的文件夹，或包含项目的数据、页面或配置")
    assert f"{(project / target).resolve()} {said}" in refused.stderr, refused.stderr
    if target in ("data", "data/2023", ".", ".."):  # MkDocs itself refuses the last two
        plain = mkdocs_build(project, project / target)
        assert plain.returncode != 0, plain.stderr
        if target.startswith("data"):
            assert "是网站项目本身的文件夹" in plain.stderr, plain.stderr
    assert fingerprint(project) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []  # no staging


@pytest.mark.skipif(not second_core(), reason="the work is done in the build's own process")
def test_a_stopped_child_unwinds_and_removes_what_it_kept_aside(tmp_path: Path) -> None:
    """A child stopped by the build (a failed or interrupted build, a quick second edit) runs
    its clean-up, as the downloads writer removes a large workbook's rows waiting on disk:
    stopped without it, every stop left a folder in the system's temporary folder."""
    from gongkai.outputs.background import Background

    started, cleaned = tmp_path / "started", tmp_path / "cleaned"

    def work() -> None:
        try:
            started.touch()
            time.sleep(60)
        finally:
            cleaned.touch()

    job = Background(work)
    deadline = time.monotonic() + 30
    while not started.exists():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    begun = time.monotonic()
    job.cancel()
    assert cleaned.exists() and time.monotonic() - begun < 5


def test_what_a_killed_build_left_is_removed_and_a_running_ones_is_not(project: Path) -> None:
    dead = project / ".site.生成中-999999999-abc"  # no such process
    (dead / "2023").mkdir(parents=True)
    aside = project / ".site.已替换-999999999"
    aside.mkdir()
    running = project / f".site.生成中-{os.getpid()}-xyz"
    running.mkdir()
    try:
        assert run_cli(project, "build").returncode == 0
        assert not dead.exists() and not aside.exists()
        assert running.is_dir()
    finally:
        running.rmdir()


def test_the_children_are_this_interpreter_or_the_standalone_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert programs.program("mkdocs") == [sys.executable, "-m", "mkdocs"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert programs.program("mkdocs") == [sys.executable, "mkdocs"]
    with pytest.raises(ValueError):
        programs.program("mike")  # the archive is laid out by gongkai itself (issue 28)


def test_the_standalone_entry_is_mkdocs_or_gongkai(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert entry.main(["mkdocs", "--version"]) == 0
    assert "mkdocs, version 1.6" in capsys.readouterr().out
    assert entry.main(["mkdocs", "no-such-command"]) == 2
    with pytest.raises(SystemExit) as parsed:
        entry.main(["--help"])
    assert parsed.value.code == 0
    assert "生成网站" in capsys.readouterr().out


_STARTED_THEN = """
import atexit, os, signal, sys, time
from gongkai.commands import entry

moment = sys.argv[-1]

class Interrupted:  # Ctrl+C as the command's modules are read
    def find_spec(self, name, path, target=None):
        if name == "gongkai.commands.cli" and moment == "while-loading":
            raise KeyboardInterrupt

def interrupted_at_exit():  # Ctrl+C once the command has ended
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(1)

sys.meta_path.insert(0, Interrupted())
if moment == "after-the-end":
    atexit.register(interrupted_at_exit)
sys.argv = ["gongkai", "check"]
entry.run()
"""


@pytest.mark.parametrize("moment", ["while-loading", "after-the-end"])
def test_ctrl_c_before_or_after_the_command_is_no_traceback(tmp_path: Path, moment: str) -> None:
    """Ctrl+C while the program reads its modules (about 0.2 s after it starts) ends it with one
    sentence; once the command has ended, while Python tidies up, the command's own result and
    words stand (here: no data folder, exit 1)."""
    ran = subprocess.run(
        [sys.executable, "-c", _STARTED_THEN, moment],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        preexec_fn=as_a_terminal_starts_it,
    )
    if moment == "while-loading":
        assert (ran.returncode, ran.stderr) == (130, entry._INTERRUPTED_LOADING + "\n")
    else:
        assert ran.returncode == 1, ran.stderr
        assert "数据目录不存在" in ran.stderr and "Traceback" not in ran.stderr, ran.stderr
        assert "KeyboardInterrupt" not in ran.stderr, ran.stderr


_ENDING = """
import atexit, sys, threading, time
from pathlib import Path
from gongkai.commands import entry

class Tidied:  # freed by Python's last step, which the program leaves out
    def __del__(self, open=open):  # bound now: module names are cleared in that step
        with open("tidied", "w") as marker:
            marker.write("yes")

kept = Tidied()
atexit.register(lambda: Path("at-exit").write_text("yes"))
if sys.argv[-1] == "a-thread-still-works":
    def work():  # still at work when the command ends (it takes well under a second)
        time.sleep(3)
        Path("thread").write_text("yes")
    threading.Thread(target=work).start()
sys.argv = ["gongkai", "check"]
entry.run()
"""


@pytest.mark.parametrize("threads", ["none-left", "a-thread-still-works"])
def test_the_program_ends_without_freeing_what_its_command_made(
    tmp_path: Path, threads: str
) -> None:
    """Once its command has ended, the program leaves out Python's last step of freeing every
    object one by one (1.1 s after a build of 5,000 project-years) but not what is registered
    to run at exit, nor its output; with a thread still at work it ends as Python does, after
    that thread."""
    ran = subprocess.run(
        [sys.executable, "-c", _ENDING, threads], cwd=tmp_path, capture_output=True, text=True
    )
    assert ran.returncode == 1 and "数据目录不存在" in ran.stderr, ran.stderr
    left = sorted(p.name for p in tmp_path.iterdir())
    if threads == "none-left":
        assert left == ["at-exit"]
    else:
        assert left == ["at-exit", "thread", "tidied"]
