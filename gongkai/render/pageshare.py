"""The generated pages shared with a child process on the second core (第二个核生成页面).

MkDocs builds pages one after another in one process. When the navigation is made, a child is
forked that builds generated pages the way MkDocs itself would (its own ``_populate_page`` and
``_build_page``, so every hook and the theme run as usual) and writes them into the site
folder. Only pages outside the navigation are shared: no other page's output depends on them,
so the navigation, sitemap and link checks of the build's own process see the same site as
before. The files are the same as a build in one process (tested byte for byte).

Neither process knows beforehand how long its work takes: the child first writes the
downloads (``then``; it has read the data already, and a child of their own would copy much of
the build's memory again: at 10,000 project-years the build and its children together peaked
at 1.2 GiB that way), which take from nothing (every bundle kept from an earlier build) to half
the child's time. So each shared page is claimed when a process comes to it: the build from the
first page on, the child from the last page back, once its downloads are written; a flag per
page in shared memory says who took it. Both cores then finish their pages together. In the
build's own process a shared page's layout is chosen only when it is claimed: ``gk-claimed.html``
extends the theme's own layout, or the empty ``gk-elsewhere.html`` when the child has the page
(MkDocs writes nothing for an empty page).

Not used while previewing (`gongkai serve` rewrites few pages) or without a second core.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import sys
from collections.abc import Callable, Iterable
from typing import Any

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from gongkai.files import why_not_written
from gongkai.outputs.background import (
    BackgroundError,
    failed,
    leave_inherited,
    orphaned,
    room_for_a_child,
    said_not_written,
    second_core,
    stop,
)

log = logging.getLogger("mkdocs.gongkai")

CLAIMED = "gk-claimed.html"  # a shared page's template: extends the layout ``gk_layout`` names
ELSEWHERE = "gk-elsewhere.html"  # the empty layout of a page the child builds
DOWNLOADS_FAILED = 3  # the child's exit code when the downloads failed
NICENESS = 5  # the child's lower priority: about a third of the CPU share of the others


class PageShare:
    """The generated pages two processes share (``order``, by ``src_uri``), and the work the
    child does before its pages (``then``: the downloads), which is done in the build's own
    process instead when there is no child."""

    def __init__(
        self,
        candidates: Iterable[str],
        then: Callable[[], None] | None = None,
        pages_sent: Callable[[], None] | None = None,
        last: Callable[[], None] | None = None,
    ) -> None:
        self.pages_sent = pages_sent  # called in the child once its pages are written
        self.order: list[str] = sorted(candidates) if second_core() else []
        self.place = {uri: number for number, uri in enumerate(self.order)}
        self.then = then if self.order else None  # without a child the caller does it
        # Work that waits for the child's last page (the feed): the index is then written on
        # the other core, and the build waits for that anyway.
        self.last = last if self.order else None
        self.claims: Any = None  # a byte per page in shared memory: 1 once a process took it
        self.in_child = False  # True in the child, which builds the pages it claims
        self.process: multiprocessing.process.BaseProcess | None = None

    def shared(self, src_uri: str) -> bool:
        """Whether the page goes to whichever process comes to it first."""
        return src_uri in self.place

    def claim(self, src_uri: str) -> bool:
        """Take the page for this process; False when the other one has taken it."""
        return self._claim(self.place[src_uri])

    def _claim(self, number: int) -> bool:
        with self.claims.get_lock():
            flags = self.claims.get_obj()
            if flags[number]:
                return False
            flags[number] = 1
            return True

    def start(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        if self.order and not room_for_a_child():  # memory is looked at again: the other
            self.order, self.place = [], {}  # children have started since, no page is built yet
        if not self.order:
            for work in (self.then, self.last):  # no child after all: done here, now
                if work is not None:
                    work()
            self.then = self.last = None
            return
        context = multiprocessing.get_context("fork")
        self.claims = context.Array("b", len(self.order))
        self.parent = os.getpid()
        self.process = context.Process(
            target=self._build, args=(config, files, nav), name="gongkai-pages"
        )
        self.process.daemon = True
        _skipped.uris = frozenset(self.order)
        self.process.start()

    def _build(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        # In the child: a warning here must fail a strict build as it would in one process.
        leave_inherited()
        # The full-text index's child must keep up with the pages as they come, or it works on
        # alone after both have finished (15 s at 10,000 project-years): of three processes on
        # two cores, this one yields, and the build claims the pages it leaves.
        os.nice(NICENESS)
        self.in_child = True
        warnings = _Count()
        logging.getLogger("mkdocs").addHandler(warnings)
        _downloads(self.then)
        try:
            with said_not_written("生成页面"):  # MkDocs has logged which page, in its words
                self._build_pages(config, files, nav)
        except Exception:  # MkDocs has logged which page and why
            sys.exit(1)
        if config.strict and warnings.count:
            sys.exit(2)
        if self.pages_sent is not None:
            self.pages_sent()
        _downloads(self.last)

    def _build_pages(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        """In the child: the shared pages, claimed from the last back."""
        env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        by_uri = {file.src_uri: file for file in doc_files}
        for number in reversed(range(len(self.order))):
            if orphaned(self.parent):  # the build was killed: its folder is lost
                os._exit(1)
            if not self._claim(number):
                continue
            file = by_uri[self.order[number]]
            page = file.page if file.page is not None else Page(None, file, config)
            _populate_page(page, config, files)
            _build_page(page, config, doc_files, nav, env)
            page.content = page.markdown = None  # keep the child's memory flat

    @property
    def started(self) -> bool:
        """Whether a child builds the pages (and is not yet waited for)."""
        return self.process is not None

    def wait(self, reader: multiprocessing.process.BaseProcess | None = None) -> None:
        """Wait for the child's downloads and pages to be written. ``reader``: the child the
        pages' texts go to (the index's). If it fails meanwhile, this child would wait for ever
        to hand over its last texts: it is stopped, and the reader's failure told."""
        if self.process is None:
            return
        while True:
            if reader is not None and reader.exitcode not in (None, 0):
                self.cancel()
                raise failed("写入全文索引", reader.exitcode)
            if self.process.exitcode is not None:
                break
            watched = [self.process.sentinel]
            if reader is not None and reader.exitcode is None:
                watched.append(reader.sentinel)
            multiprocessing.connection.wait(watched)  # wakes as soon as either ends
        code, self.process = self.process.exitcode, None
        if code == 2:
            raise BackgroundError("生成页面时有警告（严格模式），见上方的提示")
        if code == DOWNLOADS_FAILED:
            raise failed("写入下载文件", code)
        if code != 0:
            raise failed("生成页面", code)

    def cancel(self) -> None:
        stop(self.process)
        self.process = None


def _downloads(work: Callable[[], None] | None) -> None:
    """In the child: write files beside the pages; a failure is told and ends the child."""
    if work is None:
        return
    try:
        work()
    except Exception as error:
        why = why_not_written(error) if isinstance(error, OSError) else error
        log.error("写入下载文件时出错：%s", why)
        sys.exit(DOWNLOADS_FAILED)


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class _Skipped(logging.Filter):
    """Drops MkDocs' note that a page gave no output, for the pages the child writes."""

    uris: frozenset[str] = frozenset()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        return message.split("'")[1] not in self.uris


_skipped = _Skipped()
if _skipped not in logging.getLogger("mkdocs.commands.build").filters:
    logging.getLogger("mkdocs.commands.build").addFilter(_skipped)
