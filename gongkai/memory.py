"""What a ``gongkai serve`` session remembers between builds (增量生成的记忆).

MkDocs reloads the hooks for every build of a serve session; this module, imported once,
keeps the snapshot of the last finished build for each site folder, so that the next build
writes only what the change touches (see ``gongkai.dependencies``). A plain ``mkdocs build``
never uses it: ``incremental`` is set only by a dirty serve.
"""

from __future__ import annotations

import gc
import json
import logging
import shutil
import threading
from pathlib import Path
from typing import Any

from mkdocs.utils import get_build_date

from gongkai.dependencies import Change, Snapshot, compare
from gongkai.outputs.background import Background
from gongkai.outputs.fulltext import PageText
from gongkai.site import Site

incremental = False  # set by the hooks' on_startup for `mkdocs serve --dirty` (gongkai serve)
serving = False  # any `mkdocs serve` session, dirty or not
last_good: Site | None = None  # the site of the session's last build whose data was valid
build_error: str | None = None  # the data errors of the latest build, shown in the browser
_finished: dict[Path, Snapshot] = {}  # site folder → what its last finished build was made from
pending: Background | None = None  # downloads and search index still being written
pending_bundles: set[str] | None = set()  # what that job writes (None: every bundle)
pending_index: Background | None = None  # the full-text index still being written
_texts: dict[Path, dict[str, PageText]] = {}  # site folder → page URL → searchable text
session: Any = None  # the session's live-reload server, once it serves (the hooks' on_serve)


def end_session() -> bool:
    """Ask the serve session to end, as its own Ctrl+C would, but without an exception raised
    wherever the program happens to be: one raised inside the start of a child, or inside a
    finalizer (where Python drops it), left a traceback or a session that never ended. The
    server's loop looks at the flag every quarter of a second, after the build it may be
    doing; MkDocs then shuts the session down as usual. False when no session serves yet, or
    when it was asked already: a second Ctrl+C during a long build (a template changed, at
    10,000 project-years half a minute) interrupts it at once."""
    if session is None or session._shutdown:
        return False
    session._shutdown = True  # MkDocs' LiveReloadServer: its loop ends and serve() returns
    return True


def texts(site_dir: Path, everything: bool) -> dict[str, PageText]:
    """The pages' searchable text to update in this build: in a serve session, the earlier
    builds' (all of them rewritten when the build redoes everything); otherwise a new dict."""
    if not incremental:
        return {}
    key = site_dir.resolve()
    if everything or key not in _texts:
        _texts[key] = {}
    return _texts[key]


def settle() -> None:
    """Wait for the last build's downloads and search index to be written."""
    global pending, pending_bundles, pending_index
    for job in (pending, pending_index):
        if job is not None:
            job.wait()
    pending, pending_index, pending_bundles = None, None, set()


def take_over() -> set[str] | None:
    """Stop the last build's writer if it still runs, and return the bundles it had to write,
    for the next build's writer to write as well (a quick second edit need not wait)."""
    global pending, pending_bundles, pending_index
    if pending_index is not None:
        pending_index.cancel()  # this build writes the whole index again
    job, pending, pending_index = pending, None, None
    carried, pending_bundles = pending_bundles, set()
    if job is None:
        return set()
    job.cancel()
    return carried


def change(site: Site, docs_dir: Path, site_dir: Path) -> tuple[Change, Snapshot | None]:
    """What this build must write: everything, unless a finished build of the same folder in
    this session can be updated. A plain build takes no snapshot (it would read every file
    again for nothing)."""
    if not incremental:
        return Change(everything=True), None
    snapshot = Snapshot.of(site, docs_dir)
    return compare(_finished.get(site_dir.resolve()), snapshot), snapshot


def freeze_loaded() -> None:
    """In a build outside a serve session, once the data is loaded and the pages planned: the
    garbage collector leaves those objects alone for the rest of the build (at 10,000
    project-years its full collections walked them again and again: 17 s of the 159 s first
    build of a serve session, measured in one process). A serve session does not freeze:
    what it drops later would never be collected."""
    if not serving:
        gc.freeze()


IDLE_SECONDS = 2.0  # after a serve build: the page has been fetched, the clerk reads it
_idle: threading.Timer | None = None


def collect_when_idle() -> None:
    """After a build of a serve session: a full garbage collection a moment later, while the
    clerk reads the page, rather than in the middle of the next rebuild (at 10,000 project-years
    one takes 1–3 s, and one fell due every few rebuilds; a collection resets that count)."""
    global _idle
    busy()
    _idle = threading.Timer(IDLE_SECONDS, gc.collect)
    _idle.daemon = True
    _idle.start()


# Objects made between two young collections while building. Python's 700 suits programs
# that keep what they make; a page makes tens of thousands of objects and drops nearly all of
# them as it is written, so at 700 the collector walked the young ones some thirty times a
# page for next to nothing (a twentieth of a build at 1,000 project-years). What a young
# collection would have found waits a little longer: a few megabytes at most.
YOUNG_OBJECTS = 50_000
_thresholds: tuple[int, ...] | None = None  # the collector's own, while a build runs


def busy() -> None:
    """A build starts: no collection is started for the idle moment that has passed."""
    if _idle is not None:
        _idle.cancel()


def collect_less() -> None:
    """A build starts: its young objects are collected less often until it ends (its children
    too: they are forked later)."""
    global _thresholds
    if _thresholds is None:
        _thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_OBJECTS, *_thresholds[1:])


def thaw() -> None:
    """At the end of a build, the frozen objects are the collector's again, and it collects as
    often as before (a build run inside a longer process, as the tests do, leaves it as it
    was)."""
    global _thresholds
    if not serving:
        gc.unfreeze()
    if _thresholds is not None:
        gc.set_threshold(*_thresholds)
        _thresholds = None


def finished(site_dir: Path, snapshot: Snapshot | None) -> None:
    """Remember a build that completed; a failed build is never the base of the next one."""
    if snapshot is not None:
        _finished[site_dir.resolve()] = snapshot
        _sitemap_dates[site_dir.resolve()] = get_build_date()


def failed(site_dir: Path) -> None:
    """A build failed: it may have written a sitemap of other pages (it is written first)."""
    _sitemap_dates.pop(site_dir.resolve(), None)


_sitemap_dates: dict[Path, str] = {}  # site folder → build date of its last finished build


def same_sitemap(site_dir: Path, change: Change) -> bool:
    """Whether this build's sitemap would be the last finished build's, which is on disk: it
    lists every page's address and the build date, so the pages must be the same (nothing
    structural changed) and the date too. Rendering it walks every page (0.1 s at 10,000)."""
    return (
        incremental
        and not change.everything
        and _sitemap_dates.get(site_dir.resolve()) == get_build_date()
        and (site_dir / "sitemap.xml").is_file()
    )


def empty(site_dir: Path) -> None:
    """Remove everything in ``site_dir`` (the folder stays, the server keeps serving it)."""
    if not site_dir.is_dir():
        return
    for path in site_dir.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


class _DirtyNotice(logging.Filter):
    """Drops MkDocs' warning that a dirty build may leave links stale: gongkai's dependency
    rules rewrite every page a change reaches, and the warning would fail a strict build."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (incremental and record.getMessage().startswith("A 'dirty' build"))


_notice = _DirtyNotice()
if _notice not in logging.getLogger("mkdocs.commands.build").filters:
    logging.getLogger("mkdocs.commands.build").addFilter(_notice)


STATUS_FILE = "assets/gongkai-status.js"  # loaded by every page of a serve session


def status_script(error: str | None) -> str:
    r"""The data every page of a serve session loads: the latest data errors, or null when the
    data is valid (the theme shows them above the last good page).

    >>> print(status_script('x.yml 第1行：应为金额</script>'), end="")
    window.gkBuildError = "x.yml 第1行：应为金额<\/script>";
    """
    text = json.dumps(error, ensure_ascii=False).replace("</", "<\\/")
    return f"window.gkBuildError = {text};\n"
