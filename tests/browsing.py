"""Helpers for the tests that run in Debian's headless Chromium through Playwright."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


def launch_browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a built site on loopback with Python's http.server; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


class Requests:
    """The requests a page has open, followed from its creation: what ``settle`` waits for."""

    def __init__(self, page: object) -> None:
        self.page = page
        self.open = 0
        self.last = time.monotonic()
        page.on("request", self._started)  # type: ignore[attr-defined]
        page.on("requestfinished", self._ended)  # type: ignore[attr-defined]
        page.on("requestfailed", self._ended)  # type: ignore[attr-defined]

    def _started(self, request: object) -> None:
        self.open += 1
        self.last = time.monotonic()

    def _ended(self, request: object) -> None:
        self.open -= 1
        self.last = time.monotonic()

    def settle(self, quiet: float = 0.15, limit: float = 30.0) -> None:
        """Wait for the load event, then until no request has been open for ``quiet`` seconds:
        what the page's scripts fetch after loading (the search index, a list's data) has come.
        Playwright's "networkidle" waits half a second of quiet after every page, a minute of
        the suite's browsers doing nothing."""
        self.page.wait_for_load_state("load")  # type: ignore[attr-defined]
        deadline = time.monotonic() + limit
        while self.open > 0 or time.monotonic() - self.last < quiet:
            assert time.monotonic() < deadline, f"requests still open after {limit} s"
            self.page.wait_for_timeout(20)  # type: ignore[attr-defined]  # events are delivered meanwhile


def settled_page(context: object) -> tuple[object, Requests]:
    """A new page of ``context`` (a browser or a browser context) with its requests followed."""
    page = context.new_page()  # type: ignore[attr-defined]
    return page, Requests(page)


def open_page(
    browser: object, url: str, width: int = 1280, contrast: str = "standard"
) -> tuple[object, list[str], list[str]]:
    """Open ``url``; outside requests are blocked and recorded, console errors collected.
    ``contrast="high"``: as a reader who chose 高对比度 on an earlier page."""
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    if contrast == "high":
        page.context.add_init_script(_HIGH_CONTRAST)  # type: ignore[attr-defined]
    return _opened(page, url)


_HIGH_CONTRAST = "localStorage.setItem('gk-contrast', 'high')"


def _opened(page: object, url: str) -> tuple[object, list[str], list[str]]:
    """``page`` at ``url``, with the outside requests and console errors of open_page."""
    requests = Requests(page)
    outside: list[str] = []
    errors: list[str] = []
    own_host = urlparse(url).netloc

    def route(request_route: object) -> None:
        request = request_route.request  # type: ignore[attr-defined]
        if urlparse(request.url).netloc != own_host and not request.url.startswith("data:"):
            outside.append(request.url)
            request_route.abort()  # type: ignore[attr-defined]
        else:
            request_route.continue_()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    requests.settle()
    return page, outside, errors


class OpenPages:
    """Pages opened once each and kept open, for checks that only read them: opening one
    (a new page, the load, its requests settling) took more than the checks on it, and
    several tests read the same page at the same width."""

    def __init__(self, browser: object, server: str) -> None:
        self.browser, self.server = browser, server
        self.pages: dict[tuple[str, int, str], tuple[object, list[str], list[str]]] = {}
        # One browser context for each width and contrast: closing a context closes its pages
        # at once, where closing 50 pages one by one took 2.5 s.
        self.contexts: dict[tuple[int, str], object] = {}

    def __call__(
        self, path: str, width: int = 1280, contrast: str = "standard"
    ) -> tuple[object, list[str], list[str]]:
        """The page at ``path`` (below the server), the outside requests and the console
        errors of its loading."""
        key = (path, width, contrast)
        if key not in self.pages:
            if (width, contrast) not in self.contexts:
                context = self.browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
                if contrast == "high":
                    context.add_init_script(_HIGH_CONTRAST)
                self.contexts[width, contrast] = context
            page = self.contexts[width, contrast].new_page()  # type: ignore[attr-defined]
            self.pages[key] = _opened(page, self.server + path)
        return self.pages[key]

    def close(self) -> None:
        for context in self.contexts.values():
            context.close()  # type: ignore[attr-defined]


def axe_violations(page: object) -> list[dict]:
    """What axe-core finds wrong with the page, of any impact. Only violations are gathered
    node by node (``resultTypes``): every rule still runs, in half the time."""
    from axe_playwright_python.sync_playwright import Axe

    response = Axe().run(page, options={"resultTypes": ["violations"]}).response
    violations: list[dict] = response["violations"]
    return violations


def assert_readable(page: object, label: str) -> None:
    """axe-core finds no problem of any impact, and nothing is wider than the window."""
    violations = axe_violations(page)
    assert violations == [], (label, [(v["id"], v["nodes"][0]["target"]) for v in violations])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label  # type: ignore[attr-defined]
