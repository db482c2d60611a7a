"""Writing the downloads and the search index on the second core (后台写入) while MkDocs
renders the pages.

The child is forked after the data is loaded, so it shares the catalog without copying it;
it writes only under ``xiazai/`` and ``search/``, which no page touches, and logs nothing.
On a machine with one core, where ``fork`` does not exist (Windows), with too little memory
available for another process (``room_for_a_child``), or with ``GONGKAI_SERIAL=1`` (to measure
what the second core gives, or to keep a build to one process's memory), the work is done at
once in the build's own process.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from gongkai.files import why_not_written

log = logging.getLogger("mkdocs.gongkai")


class BackgroundError(RuntimeError):
    """The background writer failed; why is on the build's standard error."""


def second_core() -> bool:
    """Whether work can be handed to a forked child on another core (and memory allows it)."""
    forkable = "fork" in multiprocessing.get_all_start_methods()
    wanted = forkable and (os.cpu_count() or 1) > 1 and not serial_asked()
    return wanted and room_for_a_child()


def serial_asked(value: str | None = None) -> bool:
    """Whether ``GONGKAI_SERIAL`` (or ``value``) asks for one process: ``1``, yes or true do;
    unset, empty, ``0``, no or false do not, as a clerk writing ``GONGKAI_SERIAL=0`` expects.

    >>> [serial_asked(v) for v in ("1", "true", "0", "", "no", " False ")]
    [True, True, False, False, False, False]
    """
    if value is None:
        value = os.environ.get("GONGKAI_SERIAL", "")
    return value.strip().lower() not in ("", "0", "no", "false")


def status_kib(path: str, field: str) -> int | None:
    """A figure in KiB from a Linux status file (``MemAvailable`` of /proc/meminfo, ``Pss`` of
    /proc/<pid>/smaps_rollup); None where there is none."""
    try:
        with open(path, encoding="ascii") as lines:
            for line in lines:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


_UNLIMITED = 1 << 60  # cgroup v1 writes "no limit" as a number near 2**63


def _cgroup_room_kib(root: Path = Path("/")) -> int | None:
    """What a container's memory limit (cgroup v2 or v1) leaves this process's group, where
    one is set: the machine's free memory is not the container's. (``root``: for tests.)"""
    try:
        lines = (root / "proc/self/cgroup").read_text(encoding="ascii").splitlines()
    except OSError:
        return None
    unified = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
    legacy = [line.split(":", 2)[2] for line in lines if ":memory:" in line]
    cgroups = root / "sys/fs/cgroup"
    candidates = [*(cgroups / g.lstrip("/") for g in unified), cgroups]
    pairs = [(folder / "memory.max", folder / "memory.current") for folder in candidates]
    old_style = [cgroups / "memory" / g.lstrip("/") for g in legacy]
    old_style.append(cgroups / "memory")
    pairs += [(f / "memory.limit_in_bytes", f / "memory.usage_in_bytes") for f in old_style]
    for limit_file, usage_file in pairs:
        try:
            limit, usage = limit_file.read_text().strip(), usage_file.read_text().strip()
            if limit == "max" or int(limit) >= _UNLIMITED:
                return None
            return max(0, int(limit) - int(usage)) // 1024
        except (OSError, ValueError):
            continue
    return None


def room_for_a_child() -> bool:
    """Whether memory allows one more child. A child comes to hold about as much as the build
    itself (10,000 project-years, measured as PSS: children of 411, 695 and 797 MiB beside a
    build of 618 MiB), so one is forked only while the memory available is at least twice the
    build's resident size for it and for each child still running (the machine's, or a
    container's if less); otherwise its work is done in the build's own process (slower, the
    same files). Where this cannot be read (not Linux): yes."""
    available = status_kib("/proc/meminfo", "MemAvailable")
    own = status_kib("/proc/self/status", "VmRSS")
    if available is None or own is None:
        return True
    in_container = _cgroup_room_kib()
    if in_container is not None:
        available = min(available, in_container)
    running = len(multiprocessing.active_children())
    if available >= 2 * own * (1 + running):
        return True
    log.info(
        "可用内存 %d MiB，不够再分出一个进程（本进程 %d MiB，已有 %d 个子进程）："
        "这一部分在本进程中完成，构建较慢，结果相同。",
        available // 1024,
        own // 1024,
        running,
    )
    return False


def failed(work: str, exitcode: int | None) -> BackgroundError:
    """A child that ended badly, in words: one killed by a signal (-9 is how the system ends a
    process when memory runs out) is told apart from one that failed."""
    if exitcode is not None and exitcode < 0:
        return BackgroundError(
            f"{work}的后台进程被系统强行结束（信号 {-exitcode}），多半是内存不足；"
            "可设环境变量 GONGKAI_SERIAL=1 在一个进程中构建（较慢，占用的内存约为一半）"
        )
    return BackgroundError(f"{work}的后台进程失败（退出码 {exitcode}）")


def stop(*processes: multiprocessing.process.BaseProcess | None) -> None:
    """Stop children if they still run (the work of a build that failed or was taken over):
    each unwinds, removing its temporary folders; one that does not within seconds is killed."""
    running = [p for p in processes if p is not None and p.is_alive()]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in running:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def stop_children() -> None:
    """Stop every child this process has left (a build stopped by Ctrl+C): at its exit Python
    stops them too, but waits without end for one that does not end."""
    stop(*multiprocessing.active_children())


STOP_SECONDS = 10


def _unwind(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def leave_inherited() -> None:
    """First thing in a forked child: the garbage collector leaves alone every object the child
    inherited from the build. It would otherwise walk them all at each full collection (1–3 s
    at 10,000 project-years) and, by marking each, copy the build's memory into the child's.
    Ctrl+C, which a terminal sends to every process of the build, is the build's to answer:
    it stops its children (each would otherwise print Python's traceback). Stopped, a child
    unwinds, so that what its work keeps in temporary folders (a large workbook's rows) is
    removed instead of left in the system's temporary folder at every stop."""
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _unwind)


def _in_child(work: Callable[[], None]) -> None:
    leave_inherited()
    with said_not_written("写入下载文件"):
        work()


@contextlib.contextmanager
def said_not_written(work: str) -> Iterator[None]:
    """In a child doing ``work``: a file that could not be written (a full disk) is told in the
    clerk's words and ends the child with a failure the build reports, not a traceback."""
    try:
        yield
    except OSError as error:
        log.error("%s时出错：%s", work, why_not_written(error))
        sys.exit(1)


def orphaned(parent: int) -> bool:
    """Whether the build that forked this child is gone (killed): its work is lost."""
    return os.getppid() != parent


class Background:
    """One piece of work started now and awaited later."""

    def __init__(self, work: Callable[[], None]) -> None:
        self.work = work
        self.process: multiprocessing.process.BaseProcess | None = None
        if second_core():
            self.process = multiprocessing.get_context("fork").Process(
                target=_in_child, args=(work,), daemon=True
            )
            self.process.start()
        else:
            work()  # no second core to give it: do it now

    def cancel(self) -> None:
        """Stop the child if it still runs (its files are written again by the next job)."""
        stop(self.process)

    def wait(self) -> None:
        """Wait for the child to finish (the work is done already where there is none)."""
        if self.process is None:
            return
        self.process.join()
        if self.process.exitcode != 0:
            raise failed("写入下载文件", self.process.exitcode)
