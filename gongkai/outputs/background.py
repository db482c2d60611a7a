"""Writing the downloads and the search index on the second core (后台写入) while MkDocs
renders the pages.

The child is forked after the data is loaded, so it shares the catalog without copying it;
it writes only under ``xiazai/`` and ``search/``, which no page touches, and logs nothing.
On a machine with one core, where ``fork`` does not exist (Windows), or with
``GONGKAI_SERIAL=1`` (to measure what the second core gives), the work is done at once in the
build's own process.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable


class BackgroundError(RuntimeError):
    """The background writer failed; its traceback is on the build's standard error."""


def second_core() -> bool:
    """Whether work can be handed to a forked child on another core."""
    forkable = "fork" in multiprocessing.get_all_start_methods()
    return forkable and (os.cpu_count() or 1) > 1 and not os.environ.get("GONGKAI_SERIAL")


def stop(process: multiprocessing.process.BaseProcess | None) -> None:
    """Stop a child if it still runs (the work of a build that failed or was taken over)."""
    if process is not None and process.is_alive():
        process.terminate()
        process.join()


def leave_inherited() -> None:
    """First thing in a forked child: the garbage collector leaves alone every object the child
    inherited from the build. It would otherwise walk them all at each full collection (1–3 s
    at 10,000 project-years) and, by marking each, copy the build's memory into the child's."""
    gc.freeze()


def _in_child(work: Callable[[], None]) -> None:
    leave_inherited()
    work()


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
            raise BackgroundError(f"后台写入下载文件失败（退出码 {self.process.exitcode}）")
