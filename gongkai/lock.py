"""One writer at a time (写入锁): the commands that write the data folder (publish, import, new,
freeze, export) hold a lock beside it. A second writer waits a few seconds, then is told who
holds it; a lock left by a process that died is taken over, and the clerk is told to check.

The lock is an operating-system lock (``fcntl.flock``) on a small file beside the data folder,
so it ends with its process whatever happens; the file also says who holds it."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WAIT_SECONDS = 5.0


class LockError(Exception):
    """Another command is writing the same data folder; the message is Chinese."""


def lock_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.lock"


def _holder(path: Path) -> dict[str, object]:
    try:
        found = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


@dataclass(frozen=True)
class Unfinished:
    """A writer that died holding the lock (没有正常结束的命令): its command, process and start."""

    command: str
    pid: object
    since: str

    def message(self) -> str:
        """What the clerk is told when the lock is taken over."""
        return (
            f"上一次 gongkai {self.command}（进程 {self.pid}，自 {self.since} 起）没有正常结束，"
            "已接管写入锁；请运行 gongkai check 核对数据和公开记录。"
        )

    def started(self) -> float | None:
        """When it started, in seconds since the epoch; None if the lock file does not say."""
        try:
            return dt.datetime.fromisoformat(self.since).timestamp()
        except ValueError:
            return None


@contextmanager
def writer_lock(
    folder: Path, command: str, wait: float = WAIT_SECONDS
) -> Iterator[Unfinished | None]:
    """Hold the data folder's lock while the block runs; yields the run that held it before
    and did not finish (the clerk must be told, and its leftovers cleared), or None."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks; the run goes on alone
        yield None
        return
    path = lock_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(path)
                    raise LockError(
                        f"数据目录 {folder} 正由另一个命令写入："
                        f"gongkai {holder.get('command', '（未知命令）')}（进程 {holder.get('pid', '？')}，"
                        f"自 {holder.get('since', '？')} 起）。请等它结束后再运行；"
                        "同一时间只能有一个命令写入，以免两人用同一个索引号序号。"
                    ) from None
                time.sleep(0.2)
        previous = _holder(path)
        unfinished = (
            Unfinished(
                str(previous.get("command", "")), previous["pid"], str(previous.get("since", "？"))
            )
            if previous.get("pid")
            else None
        )
        handle.seek(0)
        handle.truncate()
        since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        handle.write(json.dumps({"command": command, "pid": os.getpid(), "since": since}))
        handle.flush()
        os.fsync(handle.fileno())
        try:
            yield unfinished
        finally:
            # Ended, well or with an error it told (its writes are whole or not made): nobody
            # holds it. Only a kill or a power cut, which skip this, leave the note behind.
            handle.seek(0)
            handle.truncate()
            handle.flush()
    finally:
        handle.close()
