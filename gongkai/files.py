"""Writing files so that a crash, a kill or a full disk leaves the old content or the new,
never half of either (原子写入): a temporary file in the same folder, flushed to disk, renamed
over the old one in a single step, and the folder flushed so the rename itself survives."""

from __future__ import annotations

import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Any

NO_CACHE = "GONGKAI_NO_CACHE"  # set: nothing kept for the next build, nothing of it read


def caching() -> bool:
    """Whether a build keeps, and reads, what it worked out for the next (``.cache/``, and the
    user's compiled templates): not with ``GONGKAI_NO_CACHE`` set."""
    return not os.environ.get(NO_CACHE)


def read_memo(path: Path, recipe: str) -> dict[str, Any] | None:
    """A JSON memo of an earlier build (备存): its content if it is there, readable, of this
    ``recipe`` (the code and data that decide its answers) and caching is on; else None."""
    if not caching():
        return None
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(memo, dict) or memo.get("recipe") != recipe:
        return None
    return memo


def write_memo(path: Path, recipe: str, content: dict[str, Any]) -> bool:
    """Keep ``content`` under ``recipe`` for the next build, atomically; whether it was kept
    (not when caching is off; a failure only means the next build works it out again)."""
    if not caching():
        return False
    memo = {"recipe": recipe, **content}
    try:
        write_text_atomically(path, json.dumps(memo, ensure_ascii=False, sort_keys=True))
    except OSError:
        return False
    return True


def write_bytes_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    try:
        folder = os.open(path.parent, os.O_RDONLY)
    except OSError:  # pragma: no cover - a folder that cannot be opened (Windows)
        return
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def write_text_atomically(path: Path, text: str) -> None:
    """``text`` as the whole of ``path`` in UTF-8 with Unix line ends, or the old file intact."""
    write_bytes_atomically(path, text.encode("utf-8"))


def remove_leftovers(folder: Path) -> int:
    """Delete the temporary files a killed writer left (``.<name>.<random>.tmp``); called by a
    writer holding the folder's lock, so no other write is under way. How many were removed."""
    removed = 0
    if folder.is_dir():
        for path in folder.rglob(".*.tmp"):
            if path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def why_not_written(error: OSError) -> str:
    """Why a file could not be written, in the clerk's words, with the file when it is known:
    a full disk and a folder without write permission each say what to do about them."""
    # A copy names its source first and what it was writing second.
    name = error.filename2 or error.filename
    if error.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return f"磁盘已满（或文件超过允许的大小），未能写入{f'：{name}' if name else '文件'}"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"没有写入权限（文件夹或文件是只读的），未能写入{f'：{name}' if name else '文件'}"
    return f"写入失败（{error.strerror or error}）{f'：{name}' if name else ''}"
