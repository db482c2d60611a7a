"""Parsing shared with a second core (分担解析): in a build with no memo of parsed files (the
first, or the first after the code changed), a forked child parses the data files from the
last while the build reads them from the first, and hands each result over in the memo's own
form. The build reads such a file as if an earlier build had parsed it (``ParsedMemo.offer``):
the same data, lines and errors, and the memo written for the next build holds it too.

At 5,000 project-years parsing is about 2 s in which no page can start. The build never waits
for the child: a file the child has not parsed by the time the build comes to it the build
parses itself, as it does one the child failed on or one changed between their two reads.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
from multiprocessing.connection import Connection

from gongkai.model.errors import DataError
from gongkai.model.loader import MAX_DATA_BYTES, parse_yaml
from gongkai.model.parsedmemo import ParsedMemo

# Below this many files to parse, forking costs more than it saves.
FEW_FILES = 200
_DIGEST = 32  # bytes of a SHA-256 digest, the start of each message


class SecondReader:
    """The child parsing ``paths`` from the last to the first, at a lower priority, while the
    build reads them from the first: before it reads a file the build takes what has come
    (:meth:`take`) and parses the file itself if the child has not done it yet, so that it
    never waits for the child; they meet in the middle. :meth:`close` at the end."""

    def __init__(self, paths: list[str]) -> None:
        context = multiprocessing.get_context("fork")
        self.inbox, outbox = context.Pipe(duplex=False)
        self.process = context.Process(
            target=_parse_all, args=(paths, outbox), daemon=True, name="gongkai-parse"
        )
        self.process.start()
        outbox.close()  # the child's end: the build sees the pipe end when the child does

    @classmethod
    def start(cls, paths: list[str], memo: ParsedMemo | None, allowed: bool) -> SecondReader | None:
        """A child for ``paths`` where it pays and is safe: ``allowed`` (a second core and
        memory for it), a memo to hand results to that holds none yet, enough files, and no
        other thread (a fork copies none, and a lock one of them held would stay held)."""
        if not allowed or memo is None or memo.index or len(paths) < FEW_FILES:
            return None
        if threading.active_count() > 1:
            return None
        try:
            return cls(paths)
        except OSError:  # no process or pipe to be had: the build parses them all
            return None

    def take(self, memo: ParsedMemo) -> None:
        """Offer the memo what the child has parsed so far, without waiting for more."""
        try:
            while self.inbox.poll():
                message = self.inbox.recv_bytes()
                if len(message) > _DIGEST:
                    memo.offer(message[:_DIGEST], message[_DIGEST:])
        except (EOFError, OSError):  # the child has ended: the build parses the rest
            pass

    def close(self) -> None:
        """Stop the child (it parses on towards files the build has read), and wait."""
        self.inbox.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _parse_all(paths: list[str], outbox: Connection) -> None:  # in the child
    gc.freeze()  # the build's objects are not the child's to walk
    # Ctrl+C is the build's to answer; a closed pipe (the build ended) ends the child.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError):
        os.nice(10)  # the build and the index's child come first; this one takes what is left
    try:
        for path in reversed(paths):
            try:
                with open(path, "rb") as file:
                    raw = file.read(MAX_DATA_BYTES + 1)
                if len(raw) > MAX_DATA_BYTES:
                    continue
                document = parse_yaml(raw.decode("utf-8-sig"), path)
                if isinstance(document, DataError):
                    continue  # the build parses it and says what is wrong
                data = (document.data, dict(document.lines))
                blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # the build parses it itself and says what is wrong
                continue
            outbox.send_bytes(hashlib.sha256(raw).digest() + blob)
    except OSError:
        pass  # the build no longer listens
    finally:
        outbox.close()
        os._exit(0)  # nothing of the build's to tidy in a forked child
