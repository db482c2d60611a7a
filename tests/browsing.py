"""Helpers for the tests that run in Debian's headless Chromium through Playwright."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
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


def open_page(browser: object, url: str, width: int = 1280) -> tuple[object, list[str], list[str]]:
    """Open ``url``; outside requests are blocked and recorded, console errors collected."""
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
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
    page.wait_for_load_state("networkidle")
    return page, outside, errors


def assert_readable(page: object, label: str) -> None:
    """axe-core finds no problem of any impact, and nothing is wider than the window."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    assert violations == [], (label, [(v["id"], v["nodes"][0]["target"]) for v in violations])
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), label  # type: ignore[attr-defined]
