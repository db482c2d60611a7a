"""How a `gongkai serve` session notices a saved file (保存即更新).

MkDocs' preview server looks at every watched file twice a second (watchdog's polling
observer): a save waits a quarter of a second on average before the rebuild starts, and each
look reads the status of every data file. The operating system can say at once which file
changed (inotify on Linux, ReadDirectoryChangesW on Windows, FSEvents on macOS); watchdog's
``Observer`` is the one for this system. Where it cannot start (a network drive, too few
inotify watches), the session keeps MkDocs' polling.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import watchdog.observers
from watchdog.events import FileSystemEventHandler

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
    server.observer = watchdog.observers.Observer()
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)


def _works(paths: Iterable[str]) -> bool:
    """Whether the system watches these paths (a trial observer, stopped at once)."""
    trial = watchdog.observers.Observer()
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
