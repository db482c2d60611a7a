"""Writing the downloads on the second core (后台写下载文件) while MkDocs renders the pages.

The child is forked after the data is loaded, so it shares the catalog without copying it;
it writes only under ``xiazai/``, which no page touches. On a machine with one core, or where
``fork`` does not exist (Windows), the work runs in the build's own process at the end.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable


class BackgroundError(RuntimeError):
    """The background writer failed; its traceback is on the build's standard error."""


class Background:
    """One piece of work started now and awaited later."""

    def __init__(self, work: Callable[[], None]) -> None:
        self.work = work
        self.process: multiprocessing.process.BaseProcess | None = None
        forkable = "fork" in multiprocessing.get_all_start_methods()
        if forkable and (os.cpu_count() or 1) > 1:
            self.process = multiprocessing.get_context("fork").Process(target=work, daemon=True)
            self.process.start()

    def wait(self) -> None:
        """Finish the work: join the child, or do it here if there is none."""
        if self.process is None:
            self.work()
            return
        self.process.join()
        if self.process.exitcode != 0:
            raise BackgroundError(f"后台写入下载文件失败（退出码 {self.process.exitcode}）")
