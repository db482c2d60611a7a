"""Data files as an earlier build parsed them (解析结果备存), by the digest of their bytes: a
build again parses only the files that changed. At 1,000 project-years parsing is 0.46 s of
every build, before any page can start; reading the memo and each file's digest, 0.05 s.

One file beside ``mkdocs.yml`` (``.cache/gongkai/parsed.bin``): a header naming the code
that parsed, each document's data and lines pickled on its own, and their index. It is read
through ``mmap`` and each document unpickled when its file is read, so a build never holds
the whole memo; it is written anew, streamed, only when the files read differ from those it
holds. Pickles are read with no class but ``Decimal`` allowed (what the data files hold), so
a memo that was tampered with can give wrong data at worst, never run code; anything else
wrong with it and the files are parsed, as if there were none. It may be deleted at any time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import mmap
import os
import pickle
import struct
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import yaml

import gongkai

PARSED_MEMO = Path(".cache") / "gongkai" / "parsed.bin"  # under the folder of mkdocs.yml
_MAGIC = b"gongkai parsed data files 1\n"
_OFFSET = struct.Struct("<Q")

Parsed = tuple[Any, dict[tuple[int | str, ...], int]]  # a document's data and its lines


class _OnlyDecimals(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("decimal", "Decimal"):
            return Decimal
        raise pickle.UnpicklingError(f"{module}.{name}")


def _loads(raw: bytes) -> Any:
    return _OnlyDecimals(io.BytesIO(raw)).load()


def _recipe() -> bytes:
    """The code whose parsing the memo keeps: the loader beside this module, this module (the
    memo's form) and PyYAML (in the standalone program, which holds no source, its version)."""
    here = Path(__file__)
    try:
        source = here.with_name("loader.py").read_bytes() + here.read_bytes()
    except OSError:
        source = gongkai.__version__.encode()
    return hashlib.sha256(source + yaml.__version__.encode()).hexdigest().encode()


def _unshared(value: Any) -> Any:
    """``value`` with each string that is not ASCII copied: pickling a string stores its UTF-8
    form inside it for as long as it lives, and the parsed strings live on in the reports
    (51 MB more for a first build at 10,000 project-years). Field names are ASCII.

    >>> text = "保安费用"
    >>> copied = _unshared({"name": text})["name"]
    >>> copied == text and copied is not text
    True
    """
    if isinstance(value, str):
        return (
            value
            if value.isascii()
            else value.encode("utf-8", "surrogatepass").decode("utf-8", "surrogatepass")
        )
    if isinstance(value, dict):
        return {key: _unshared(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unshared(item) for item in value]
    return value


class ParsedMemo:
    """The memo of one project, open while its data is read (``with ParsedMemo(...)``)."""

    def __init__(self, file: Path, keep: bool = True) -> None:
        self.file = file
        self.keep = keep  # False: read only (a build of an archived year reads fewer files)
        self.header = _MAGIC + _recipe() + b"\n"
        self.index: dict[bytes, tuple[int, int]] = {}
        self.view: mmap.mmap | None = None
        self.read: list[tuple[bytes, int, int, bool]] = []  # digest, at, length, in new?
        self.new: IO[bytes] | None = None  # documents parsed now, pickled
        # Documents parsed now by another process (gongkai.model.secondreader), in ``new``.
        self.offered: dict[bytes, tuple[int, int]] = {}

    def __enter__(self) -> ParsedMemo:
        with contextlib.suppress(
            OSError, ValueError, TypeError, EOFError, struct.error, pickle.UnpicklingError
        ):
            self._open()
        return self

    def _open(self) -> None:
        with self.file.open("rb") as stream:
            view = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            if view[: len(self.header)] != self.header:
                raise ValueError("other code")
            (at,) = _OFFSET.unpack_from(view, len(self.header))
            index = _loads(view[at:])
            if not isinstance(index, dict):
                raise ValueError("index")
            for digest, (start, length) in index.items():
                if not (isinstance(digest, bytes) and 0 <= start <= start + length <= at):
                    raise ValueError("index")
        except BaseException:
            view.close()
            raise
        self.view, self.index = view, index

    def get(self, raw: bytes) -> Parsed | None:
        """The data and lines a file of these bytes was parsed into, or None."""
        digest = hashlib.sha256(raw).digest()
        place, new = self.index.get(digest), False
        if place is None:
            place, new = self.offered.get(digest), True
        if place is None or (self.view if not new else self.new) is None:
            return None
        start, length = place
        try:
            data, lines = _loads(self._blob(start, length, new))
        except (pickle.UnpicklingError, ValueError, TypeError, EOFError, AttributeError):
            return None
        if not isinstance(lines, dict):
            return None
        self.read.append((digest, start, length, new))
        return data, lines

    def offer(self, digest: bytes, blob: bytes) -> None:
        """Keep what another process parsed a file of this digest into (``put``'s pickle): the
        file reads as memoised when it is read, and is memoised for the next build."""
        with contextlib.suppress(OSError):
            if self.new is None:
                self.new = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
            self.new.seek(0, os.SEEK_END)
            self.offered[digest] = (self.new.tell(), len(blob))
            self.new.write(blob)

    def _blob(self, start: int, length: int, new: bool) -> bytes:
        if not new:
            assert self.view is not None
            return self.view[start : start + length]
        assert self.new is not None
        self.new.seek(start)
        return self.new.read(length)

    def put(self, raw: bytes, parsed: Parsed) -> None:
        """Keep what a file of these bytes was parsed into, for the next build."""
        if not self.keep:
            return
        try:
            if self.new is None:
                self.new = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
            data, lines = parsed
            blob = pickle.dumps((_unshared(data), lines), protocol=pickle.HIGHEST_PROTOCOL)
            self.new.seek(0, os.SEEK_END)  # offered documents are read back from it too
            start = self.new.tell()
            self.new.write(blob)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return
        self.read.append((hashlib.sha256(raw).digest(), start, len(blob), True))

    def __exit__(self, *exc: object) -> None:
        try:
            if self.keep and exc[0] is None and self._changed():
                with contextlib.suppress(OSError):
                    self._write()
        finally:
            if self.view is not None:
                self.view.close()
            if self.new is not None:
                self.new.close()

    def _changed(self) -> bool:
        return any(new for *_, new in self.read) or {d for d, *_ in self.read} != set(self.index)

    def _write(self) -> None:
        """The memo anew: the documents read in this build, streamed from the old memo and
        from those parsed now, then the index; it replaces the old in one step."""
        self.file.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.file.parent, prefix=".parsed-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(self.header)
                out.write(_OFFSET.pack(0))
                index: dict[bytes, tuple[int, int]] = {}
                for digest, start, length, new in self.read:
                    if digest in index:
                        continue
                    blob = self._blob(start, length, new)
                    index[digest] = (out.tell(), length)
                    out.write(blob)
                at = out.tell()
                out.write(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
                out.seek(len(self.header))
                out.write(_OFFSET.pack(at))
            os.replace(name, self.file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
