"""A fault in gongkai itself (程序出错), told in the clerk's words: Python's traceback, which
means nothing to a clerk and hides what to do, goes to a record (出错记录) they can send to
whoever maintains the tool, and the screen says what happened to their files and where the
record is."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import traceback
from pathlib import Path

from gongkai.files import write_text_atomically

TRACEBACK = "Traceback (most recent call last)"


def told(error: BaseException, doing: str = "") -> str:
    """What the clerk is told of ``error``, raised where no error was expected; its traceback
    is kept in a record first."""
    details = "".join(traceback.format_exception(error))
    return told_details(details, doing)


def told_details(details: str, doing: str = "") -> str:
    """The same for a fault whose details are text already (a child process's output)."""
    record = keep(details)
    lines = [line.strip() for line in details.splitlines() if line.strip()]
    last = lines[-1][:300] if lines else ""
    kept = (
        f"详细情况已存入 {record}，请把这个文件发给负责本工具的技术人员。"
        if record is not None
        else f"详细情况如下，请发给负责本工具的技术人员：\n{details}"
    )
    return (
        f"{doing}gongkai 程序出错，命令没有完成（{last}）。这是程序本身的问题，不是数据的问题。"
        "已写入的文件都是完整的，没写成的保持原样。" + kept
    )


def keep(details: str, folders: tuple[Path, ...] | None = None) -> Path | None:
    """Write ``details`` to a record in the current folder (where the clerk runs the command
    and will look), else in the system's temporary folder; None where neither can be written."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"gongkai-出错记录-{stamp}-{os.getpid()}.txt"
    for folder in folders or (Path.cwd(), Path(tempfile.gettempdir())):
        try:
            path = folder / name
            write_text_atomically(path, details)
            return path.resolve()
        except OSError:
            continue
    return None
