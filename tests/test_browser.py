"""Smoke test in a real headless Chromium (Debian's ``chromium``): pages render, tables are
visible and fit a phone, no console errors, and no request leaves the site's own host."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

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


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have Chromium (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
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


@pytest.mark.parametrize(
    "path",
    [
        "",
        "2023/",
        "xiangmu/",
        "bumen/",
        "bumen/xiqu-xinfangju/",
        "shixiao/",
        "xiangmu/baoan-feiyong/",
        "2023/baoan-feiyong/",
    ],
)
def test_pages_load_without_errors_or_outside_requests(
    browser: object, server: str, path: str
) -> None:
    page, outside, errors = open_page(browser, server + path)
    assert outside == []
    assert errors == []
    assert page.locator("article h1").count() == 1  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_project_page_shows_its_tables(browser: object, server: str) -> None:
    page, outside, errors = open_page(
        browser, server + "2023/zhujing-zhurong-xinfang-weiwen-jingfei/"
    )
    assert page.locator("article h1").inner_text() == "驻京驻蓉信访维稳经费"  # type: ignore[attr-defined]
    indicators = page.locator("table.gk-indicators")  # type: ignore[attr-defined]
    assert indicators.is_visible()
    box = indicators.bounding_box()
    assert box["height"] > 150 and box["width"] > 300
    assert indicators.locator("tbody tr").count() == 6
    trend = page.locator("table.gk-trend")  # type: ignore[attr-defined]
    assert trend.is_visible()
    assert "+200.00%" in trend.inner_text()
    assert outside == [] and errors == []
    page.close()  # type: ignore[attr-defined]


def test_phone_width_scrolls_tables_not_the_page(browser: object, server: str) -> None:
    page, _, errors = open_page(
        browser, server + "2023/zhujing-zhurong-xinfang-weiwen-jingfei/", width=375
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")  # type: ignore[attr-defined]
    assert overflow <= 0
    assert page.locator("table.gk-trend").is_visible()  # type: ignore[attr-defined]
    assert errors == []
    page.close()  # type: ignore[attr-defined]
