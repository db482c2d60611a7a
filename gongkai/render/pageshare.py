"""A share of the generated pages built on the second core (第二个核生成页面).

MkDocs builds pages one after another in one process. When the navigation is made, a child is
forked that builds a share of the generated pages the way MkDocs itself would (its own
``_populate_page`` and ``_build_page``, so every hook and the theme run as usual) and writes
them into the site folder. In the build's own process those pages are given an empty template
(``gk-elsewhere.html``), and MkDocs writes nothing for an empty page. Only pages outside the
navigation are shared: no other page's output depends on them, so the navigation, sitemap and
link checks of the build's own process see the same site as before. The files are the same as
a build in one process (tested byte for byte).

After its pages the child writes the downloads (``then``): it has read the data already, and
a child of their own would copy much of the build's memory again as it read it (at 10,000
project-years the build and its children together peaked at 1.2 GiB that way, 1.0 GiB so). It
takes every third page then instead of every second, so that both cores finish together.

Not used while previewing (`gongkai serve` rewrites few pages) or without a second core.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from gongkai.outputs.background import (
    BackgroundError,
    failed,
    leave_inherited,
    orphaned,
    room_for_a_child,
    second_core,
    stop,
)

log = logging.getLogger("mkdocs.gongkai")
ELSEWHERE = "gk-elsewhere.html"  # the empty template of a page the child builds
SHARE = 2  # every second page outside the navigation goes to the child
# With the downloads to write after its pages, every third: they take about half as long as
# the child's pages would (both grow with the project-years, so the share holds at any size).
SHARE_WITH_DOWNLOADS = 3
DOWNLOADS_FAILED = 3  # the child's exit code when its pages were built but the downloads failed


class PageShare:
    """The generated pages one child process builds (its ``src_uri``), and the work it does
    after them (``then``: the downloads), which is done in the build's own process instead when
    there is no child."""

    def __init__(
        self,
        candidates: Iterable[str],
        then: Callable[[], None] | None = None,
        pages_sent: Callable[[], None] | None = None,
    ) -> None:
        self.pages_sent = pages_sent  # called in the child once its pages are written
        self.uris: frozenset[str] = frozenset()
        if second_core():
            share = SHARE if then is None else SHARE_WITH_DOWNLOADS
            self.uris = frozenset(sorted(candidates)[1::share])
        self.then = then if self.uris else None  # without a child the caller does it
        self.in_child = False  # True in the child, which renders these pages for real
        self.process: multiprocessing.process.BaseProcess | None = None

    def elsewhere(self, src_uri: str) -> bool:
        """Whether this process leaves the page to the other one."""
        return not self.in_child and src_uri in self.uris

    def start(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        if self.uris and not room_for_a_child():  # memory is looked at again: the other
            self.uris = frozenset()  # children have started since, and no page is built yet
        if not self.uris:
            if self.then is not None:  # no child after all: the work is done here, now
                self.then()
                self.then = None
            return
        context = multiprocessing.get_context("fork")
        self.parent = os.getpid()
        self.process = context.Process(target=self._build, args=(config, files, nav))
        self.process.daemon = True
        _skipped.uris = self.uris
        self.process.start()

    def _build(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        # In the child: a warning here must fail a strict build as it would in one process.
        leave_inherited()
        self.in_child = True
        warnings = _Count()
        logging.getLogger("mkdocs").addHandler(warnings)
        try:
            env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
            for file in doc_files:
                if file.src_uri not in self.uris:
                    continue
                if orphaned(self.parent):  # the build was killed: its folder is lost
                    os._exit(1)
                page = file.page if file.page is not None else Page(None, file, config)
                _populate_page(page, config, files)
                _build_page(page, config, doc_files, nav, env)
                page.content = page.markdown = None  # keep the child's memory flat
        except Exception:  # MkDocs has logged which page and why
            sys.exit(1)
        if config.strict and warnings.count:
            sys.exit(2)
        if self.pages_sent is not None:
            self.pages_sent()
        if self.then is not None:
            try:
                self.then()
            except Exception as error:
                log.error("写入下载文件时出错：%s", error)
                sys.exit(DOWNLOADS_FAILED)

    @property
    def started(self) -> bool:
        """Whether a child builds the pages (and is not yet waited for)."""
        return self.process is not None

    def wait(self) -> None:
        """Wait for the child's pages to be written, and what it does after them."""
        if self.process is None:
            return
        self.process.join()
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
