"""Parsing shared with a second core (分担解析): in a build with no memo of parsed files (the
first, or the first after the code changed), a forked child parses every other data file
while the build parses the rest, and hands each result over in the memo's own form. The build
then reads that file as if an earlier build had parsed it (``ParsedMemo.offer``): the same
data, lines and errors, and the memo written for the next build holds it too.

At 5,000 project-years parsing is about 2 s in which nothing else can start; the child takes
half. Whatever goes wrong with the child (it fails, is killed, a file changes between its read
and the build's), the build parses that file itself: the child only ever saves time.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
import threading
from multiprocessing.connection import Connection

from gongkai.model.errors import DataError
from gongkai.model.parsedmemo import ParsedMemo

# Below this many files to parse, forking costs more than it saves.
FEW_FILES = 200
_DIGEST = 32  # bytes of a SHA-256 digest, the start of each message


class SecondReader:
    """The child parsing ``paths`` in order; the build takes each one's result with
    :meth:`take` before it reads that file, and :meth:`close` at the end."""

    def __init__(self, paths: list[str]) -> None:
        self.waiting = {path: number for number, path in enumerate(paths)}
        self.taken = 0  # messages received: one per path, in order
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

    def take(self, path: str, memo: ParsedMemo) -> None:
        """Offer the memo what the child made of ``path`` (and of any before it not asked for);
        nothing when the child could not, or is gone."""
        number = self.waiting.pop(path, None)
        if number is None:
            return
        while self.taken <= number:
            try:
                message = self.inbox.recv_bytes()
            except (EOFError, OSError):  # the child ended early: the build parses the rest
                self.waiting.clear()
                return
            self.taken += 1
            if len(message) > _DIGEST:
                memo.offer(message[:_DIGEST], message[_DIGEST:])

    def close(self) -> None:
        """Stop the child if it still runs (the build failed, or read fewer files), and wait."""
        self.inbox.close()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()


def _parse_all(paths: list[str], outbox: Connection) -> None:  # in the child
    gc.freeze()  # the build's objects are not the child's to walk
    # Ctrl+C is the build's to answer; a closed pipe (the build ended) ends the child.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from gongkai.model.loader import MAX_DATA_BYTES, parse_yaml

    try:
        for path in paths:
            message = b""
            try:
                with open(path, "rb") as file:
                    raw = file.read(MAX_DATA_BYTES + 1)
                if len(raw) <= MAX_DATA_BYTES:
                    document = parse_yaml(raw.decode("utf-8-sig"), path)
                    if not isinstance(document, DataError):
                        data = (document.data, dict(document.lines))
                        blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
                        message = hashlib.sha256(raw).digest() + blob
            except Exception:  # the build parses it itself and says what is wrong
                message = b""
            outbox.send_bytes(message)
    except (BrokenPipeError, OSError):
        pass  # the build no longer listens
    finally:
        outbox.close()
        os._exit(0)  # nothing of the build's to tidy in a forked child
