"""Readable URL names (网址名) from Chinese project names: 保安费用 → ``baoan-feiyong``; and the
pinyin a list of names is sorted by.

Both read names with jieba and pypinyin, whose dictionaries take about 0.7 s to load. A build
remembers what it worked out in a memo beside ``mkdocs.yml`` (``.cache/gongkai/names.json``),
so that the next build of the same names loads neither (most of a district's reports name no
URL of their own: each build read every name again). The memo holds the answers of this very
code and these dictionaries only (its recipe says which); it may be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import marshal
import os
import re
import select
import threading
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType
from typing import IO

import gongkai
from gongkai.files import caching, read_memo, write_memo

MEMO_FILE = Path(".cache") / "gongkai" / "names.json"  # under the folder of mkdocs.yml
_SEPARATOR = re.compile(r"[^a-z0-9]+")

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# What the memo read at the start of this build, and what was worked out since; the names
# asked for in this process (only theirs are kept: a renamed project's old name goes).
_slugs: dict[str, str] = {}
_keys: dict[str, list[str]] = {}
_asked: set[str] = set()
_kept_at: set[Path] = set()  # memos that hold everything worked out so far
_recalled: set[Path] = set()  # memos read by this process
_early: _Reader | None = None  # a child forked to read names before they are known


def slugify(name: str) -> str:
    """Pinyin of each word, words joined by hyphens; Latin letters and digits kept.

    Words come from jieba, so syllables of one word stay together (baoan, not bao-an), and
    pypinyin reads each word as a phrase, so polyphonic characters read right.

    >>> slugify("保安费用"), slugify("会计核算2023")
    ('baoan-feiyong', 'kuaijihesuan-2023')
    """
    _asked.add(name)
    known = _slugs.get(name)
    if known is None:
        known = _slugs[name] = _worked_out_slug(name)
        _kept_at.clear()
    return known


def pinyin_key(name: str) -> list[str]:
    """The syllables a name sorts by, as a directory sorts by pinyin.

    >>> pinyin_key("信访局")
    ['xin', 'fang', 'ju']
    """
    _asked.add(name)
    known = _keys.get(name)
    if known is None:
        known = _keys[name] = _worked_out_key(name)
        _kept_at.clear()
    return list(known)


def recipe_with(module: str) -> str:
    """The recipe of a memo of answers worked out by ``module`` (its file) with this module's
    dictionaries: another module's memo is not believed after either changes."""
    return _recipe(module)


def read_ahead(names: Iterable[str], sorted_by: Iterable[str] = ()) -> None:
    """Work out at once the URL names of ``names`` and the pinyin of ``sorted_by`` that are not
    known yet (预读), so that :func:`slugify` and :func:`pinyin_key` then only look them up.

    Where a process can be forked, a child reads them and ends (the one :func:`start_reading`
    forked, if any): the build never holds the two dictionaries (130 MiB, kept to the end of
    the build and copied into every child it forks).
    Elsewhere, with other threads running (a fork copies no thread, and a lock one of them
    held stays held in the child) or if the child fails, they are read here.
    """
    wanted, sorting = [name for name in names if name], [name for name in sorted_by if name]
    _asked.update(wanted, sorting)  # names of the data as it is: kept for the next build
    slugs = [name for name in dict.fromkeys(wanted) if name not in _slugs]
    keys = [name for name in dict.fromkeys(sorting) if name not in _keys]
    if not (slugs or keys):
        return
    read = _read_in_a_child(slugs, keys)
    if read is None:
        read = (
            {name: _worked_out_slug(name) for name in slugs},
            {name: _worked_out_key(name) for name in keys},
        )
    _slugs.update(read[0])
    _keys.update(read[1])
    _kept_at.clear()


def start_reading() -> None:
    """When no name is known yet (a first build, or one without its memo), fork now the child
    that will read them: its two dictionaries load while the data files are parsed, instead of
    after (the build waited 0.6 s for them at 1,000 project-years)."""
    global _early
    if _early is None and not (_slugs or _keys):
        _early = _Reader.fork(warm=True)


def reading_for_a_child() -> Callable[[], None] | None:
    """When no name is known yet, the work of reading this build's names, for a child the
    caller forks next and that loads the same dictionaries anyway (the full-text index's): it
    loads them at once and answers when :func:`read_ahead` asks, so that no other child loads
    them again (0.55 s of CPU at 1,000 project-years). Call :func:`child_forked` after."""
    global _early
    if _early is not None or _slugs or _keys:
        return None
    _early, answer = _Reader.piped(warm=True)

    def work() -> None:  # in the child, which goes on with its own work after
        # Whatever fails here, its pipes are closed: the build then reads the names itself.
        with contextlib.suppress(Exception):
            answer()

    return work


def child_forked(started: bool) -> None:
    """The child given :func:`reading_for_a_child`'s work was forked (``started``) or not:
    its ends of the pipes are closed here; without it the names are read as usual."""
    global _early
    if _early is None or not _early.theirs:
        return
    if started:
        _early.forked(None)
    else:
        _early._close()
        _early = None


def stop_reading() -> None:
    """End the early child if :func:`read_ahead` did not use it (the data had errors)."""
    global _early
    reader, _early = _early, None
    if reader is not None:
        reader.dismiss()


def _read_in_a_child(
    slugs: list[str], keys: list[str]
) -> tuple[dict[str, str], dict[str, list[str]]] | None:
    """The URL names and pinyin read by a forked child, or None where none could do it."""
    global _early
    reader, _early = _early, None
    read = reader.read(slugs, keys) if reader is not None else None
    if read is None:  # none forked early, or it failed: one now
        reader = _Reader.fork(warm=False)
        read = reader.read(slugs, keys) if reader is not None else None
    return read


_LENGTH = 8  # bytes of the length before a message on a reader's pipes


class _Reader:
    """A forked child that reads names with the two dictionaries (读名子进程): sent one list
    of names, it answers and ends. Forked ``warm``, it loads the dictionaries before it is
    asked."""

    def __init__(
        self, pid: int | None, asking: int, answers: int, theirs: tuple[int, ...] = ()
    ) -> None:
        # ``pid`` None: the names are read by a child that goes on with other work (not
        # reaped here); ``theirs``, that child's ends of the pipes, until it is forked.
        self.pid, self.asking, self.answers, self.theirs = pid, asking, answers, theirs

    @classmethod
    def piped(cls, warm: bool) -> tuple[_Reader, Callable[[], int]]:
        """A reader and the pipes to the child that will answer it: that child's work (its exit
        code), to run once it is forked; then :meth:`forked`."""
        ask_read, ask_write = os.pipe()
        answer_read, answer_write = os.pipe()
        parent = os.getpid()

        def answer() -> int:  # in the child
            os.close(ask_write)
            os.close(answer_read)
            return _answer(ask_read, answer_write, parent, warm)

        return cls(None, ask_write, answer_read, theirs=(ask_read, answer_write)), answer

    def forked(self, pid: int | None) -> None:
        """The answering child was forked: its ends of the pipes are closed here. ``pid``: the
        child to reap after its answer, or None for one that goes on with other work."""
        for end in self.theirs:
            os.close(end)
        self.theirs = ()
        self.pid = pid

    @classmethod
    def fork(cls, warm: bool) -> _Reader | None:
        # A fork copies no thread, and a lock one of them held stays held in the child.
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return None
        reader, answer = cls.piped(warm)
        try:
            pid = os.fork()
        except OSError:
            reader._close()
            return None
        if pid == 0:  # the child: read, answer, end (no cleanup of the parent's state)
            code = 1
            try:
                code = answer()
            finally:
                os._exit(code)
        reader.forked(pid)
        return reader

    def read(
        self, slugs: list[str], keys: list[str]
    ) -> tuple[dict[str, str], dict[str, list[str]]] | None:
        """Send the names, wait for the child's answer; None if it gave none that fits."""
        try:
            _send(self.asking, json.dumps({"slugs": slugs, "keys": keys}).encode("utf-8"))
            os.close(self.asking)
            self.asking = -1
            raw = b"".join(iter(lambda: os.read(self.answers, 65536), b""))
        except OSError:  # the child ended early: its exit code says so
            raw = b""
        finally:
            self._close()
        if self.pid is not None:
            _, status = os.waitpid(self.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                return None
        try:
            answer = json.loads(raw)
            read_slugs, read_keys = answer["slugs"], answer["keys"]
        except (ValueError, KeyError, TypeError):
            return None
        if set(read_slugs) != set(slugs) or set(read_keys) != set(keys):
            return None
        return read_slugs, read_keys

    def dismiss(self) -> None:
        """End the child unasked (it reads an empty message) and reap it."""
        with contextlib.suppress(OSError):  # it ended already
            _send(self.asking, b"")
        self._close()
        if self.pid is not None:
            os.waitpid(self.pid, 0)

    def _close(self) -> None:
        for end in (self.asking, self.answers, *self.theirs):
            if end >= 0:
                os.close(end)
        self.asking = self.answers = -1
        self.theirs = ()


def _send(pipe: int, message: bytes) -> None:
    data = len(message).to_bytes(_LENGTH, "big") + message
    while data:
        data = data[os.write(pipe, data) :]


def _answer(asking: int, answers: int, parent: int, warm: bool) -> int:
    """The child's work: the names asked for, read and written back; its exit code. Both
    pipes are closed after, whatever happens (a child that goes on must not keep them)."""
    with os.fdopen(asking, "rb", buffering=0) as ask, os.fdopen(answers, "wb") as answer:
        if warm:
            _load_dictionaries()
        message = b""
        while len(message) < _LENGTH or len(message) < _LENGTH + int.from_bytes(
            message[:_LENGTH], "big"
        ):
            # A parent killed before it asked would leave this child waiting for ever.
            if not select.select([ask], [], [], 1.0)[0]:
                if os.getppid() != parent:
                    return 1
                continue
            chunk = ask.read(65536)
            if not chunk:
                return 1
            message += chunk
        asked = json.loads(message[_LENGTH:] or b"{}")
        if asked:
            read = {
                "slugs": {name: _worked_out_slug(name) for name in asked["slugs"]},
                "keys": {name: _worked_out_key(name) for name in asked["keys"]},
            }
            answer.write(json.dumps(read, ensure_ascii=False).encode("utf-8"))
    return 0


def _load_dictionaries() -> None:
    """Load jieba's dictionary and pypinyin's now, before the names come."""
    from pypinyin import lazy_pinyin

    quiet_jieba().initialize()
    lazy_pinyin("预读")


def quiet_jieba() -> ModuleType:
    """jieba, imported when first needed (not by a build whose names are all remembered), and
    told not to print its dictionary's loading on the clerk's screen; it reads its dictionary's
    cache whole (:class:`_WholeFileMarshal`)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.marshal = _WholeFileMarshal  # type: ignore[attr-defined]
    return jieba


class _WholeFileMarshal:
    """``marshal`` as jieba uses it, but reading a file whole before loading it: from a file
    object ``marshal.load`` reads each of the half million words of jieba's 9 MB dictionary
    cache on its own, 0.45 s against 0.18 s from the bytes (the same dictionary). That load is
    what a first build waits for before its names are read."""

    @staticmethod
    def load(file: IO[bytes]) -> object:
        return marshal.loads(file.read())

    @staticmethod
    def dump(value: object, file: IO[bytes]) -> None:
        marshal.dump(value, file)


@cache
def _worked_out_slug(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    jieba = quiet_jieba()
    text = unicodedata.normalize("NFKC", name).lower()
    parts = []
    for word in jieba.cut(text):
        syllables = lazy_pinyin(word, style=Style.NORMAL, errors="default")
        parts.append("".join(syllables).replace("ü", "v"))
    return _SEPARATOR.sub("-", "-".join(parts)).strip("-") or "xiangmu"


def _worked_out_key(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(name)


@cache
def _recipe(*modules: str) -> str:
    """What else decides the answers: this code (and that of ``modules``, files of other code
    whose answers a memo keeps) and the two dictionaries' versions (in the standalone program,
    which holds no source and no package records, its own version)."""
    try:
        source = b"".join(Path(file).read_bytes() for file in (__file__, *modules))
    except OSError:
        source = gongkai.__version__.encode()
    versions = []
    for package in ("jieba", "pypinyin"):
        try:
            versions.append(version(package))
        except PackageNotFoundError:
            versions.append(f"{package} {gongkai.__version__}")
    return hashlib.sha256(source + " ".join(versions).encode()).hexdigest()


def recall(root: Path) -> None:
    """Read the memo of earlier builds of the project at ``root`` (nothing if it is missing,
    unreadable or of other code). Read once a process: a serve session holds it since."""
    if not caching() or root.resolve() in _recalled:
        return
    _recalled.add(root.resolve())
    memo = read_memo(root / MEMO_FILE, _recipe())
    slugs, keys = (memo or {}).get("slugs"), (memo or {}).get("keys")
    if not (isinstance(slugs, dict) and isinstance(keys, dict)):
        return
    for name, slug in slugs.items():
        if isinstance(slug, str) and _SLUG.fullmatch(slug):  # never a path, whatever is there
            _slugs.setdefault(name, slug)
    for name, key in keys.items():
        if isinstance(key, list) and all(isinstance(part, str) for part in key):
            _keys.setdefault(name, key)
    if not (_slugs.keys() - slugs.keys() or _keys.keys() - keys.keys()):
        _kept_at.add(root.resolve())  # nothing known here that it lacks


def remember(root: Path) -> None:
    """Keep what this process worked out for the next build; a failure only means the next
    build works the names out again."""
    if root.resolve() in _kept_at:
        return
    kept = {
        "slugs": {name: slug for name, slug in _slugs.items() if name in _asked},
        "keys": {name: key for name, key in _keys.items() if name in _asked},
    }
    if write_memo(root / MEMO_FILE, _recipe(), kept):
        _kept_at.add(root.resolve())
