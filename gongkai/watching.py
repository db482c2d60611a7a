"""How a `gongkai serve` session notices a saved file (保存即更新).

MkDocs' preview server looks at every watched file twice a second (watchdog's polling
observer): a save waits a quarter of a second on average before the rebuild starts, and each
look reads the status of every data file. The operating system can say at once which file
changed (inotify on Linux, ReadDirectoryChangesW on Windows, FSEvents on macOS); watchdog's
``Observer`` is the one for this system. Where it cannot start (a network drive, too few
inotify watches), the session keeps MkDocs' polling.

The system also tells of files opened and read, and a build reads every data file: only a
file created, changed, moved or deleted starts a rebuild, and not a hidden one (an editor's
swap file, the data folder's lock), or each build would start the next.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import watchdog.observers
from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers.api import ObservedWatch

log = logging.getLogger("mkdocs.gongkai")


def notify_at_once(server: Any) -> None:
    """Give MkDocs' ``LiveReloadServer`` (not started yet) the system's own file watcher,
    watching the same paths as before."""
    watched: dict[str, int] | None = getattr(server, "_watched_paths", None)
    if watched is None:  # another MkDocs than 1.6: leave its watcher as it is
        return
    watched = dict(watched)
    if not _works(watched):
        return
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = ChangesOnly()
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)


def _works(paths: Iterable[str]) -> bool:
    """Whether the system watches these paths (a trial observer, stopped at once)."""
    trial = ChangesOnly()
    try:
        for path in paths:
            trial.schedule(FileSystemEventHandler(), path, recursive=True)
        trial.start()
    except OSError as error:
        log.info(f"无法使用系统的文件变动通知（{error}），改为每半秒检查一次。")
        return False
    finally:
        if trial.is_alive():
            trial.stop()
            trial.join()
    return True


_CHANGES = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileMovedEvent, FileDeletedEvent]


class ChangesOnly(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
    """The system's observer, passing on only changes of files that are not hidden."""

    def schedule(
        self,
        event_handler: FileSystemEventHandler,
        path: str,
        *,
        recursive: bool = False,
        event_filter: list[type[FileSystemEvent]] | None = None,
    ) -> ObservedWatch:
        return super().schedule(
            _Visible(event_handler), path, recursive=recursive, event_filter=_CHANGES
        )


class _Visible(FileSystemEventHandler):
    def __init__(self, handler: FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        paths = [event.src_path, getattr(event, "dest_path", "") or ""]
        names = [Path(os.fsdecode(p)).name for p in paths if p]
        if all(name.startswith(".") for name in names):
            return
        self.handler.dispatch(event)
