"""How fast the public's pages arrive on a slow phone: Chromium at 390 px with the network slowed
to Chrome's "Slow 4G" (1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip), the built site served
by nginx with ``deploy/nginx.conf`` as the portal's web team would (compressed as it serves).

    python benchmarks/page_speed.py              # the sample site, built afresh
    python benchmarks/page_speed.py --site DIR   # a site already built

For the home, year, report, 绩效目标表, 公开时效 and search pages it prints, for a first visit
(empty cache) and a repeat visit (the same browser, a moment later): first contentful paint, the
load event, the requests that went to the server, and the bytes on the wire. The search row is
the time from typing a query into the box until the first result shows.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import free_port  # benchmarks/ is on the path: run as a script or by the tests

ROOT = Path(__file__).resolve().parent.parent

SLOW_4G = {
    "offline": False,
    "latency": 150,  # ms, round trip
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,  # bytes per second
    "uploadThroughput": 750 * 1024 / 8,
}
PHONE = {"width": 390, "height": 844}

# What a reader opens: (row, address in the sample site).
PAGES = [
    ("首页", ""),
    ("年度页", "2023/"),
    ("自评报告", "2023/baoan-feiyong/"),
    ("绩效目标表", "2023/jiefang-feiyong/"),
    ("公开时效", "shixiao/"),
]
QUERY = "baoan"  # typed into the search box: pinyin of 保安费用


@contextlib.contextmanager
def nginx_serving(site: Path, work: Path) -> Iterator[str]:
    """``site`` served on loopback by nginx with ``deploy/nginx.conf``; yields the base URL."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        raise SystemExit("需要 nginx：apt-get install nginx")
    port = free_port()
    server = (ROOT / "deploy/nginx.conf").read_text(encoding="utf-8")
    server = server.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "root /srv/gongkai/site;", f"root {site};"
    )
    run = work / "nginx"
    run.mkdir(parents=True, exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"{k}_temp_path {run}/{k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (run / "nginx.conf").write_text(
        f"{user}daemon off;\npid {run}/nginx.pid;\nerror_log {run}/error.log;\nevents {{}}\n"
        "http {\n include /etc/nginx/mime.types;\n default_type application/octet-stream;\n"
        f" access_log off;\n{temp}\n{server}\n}}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-c", str(run / "nginx.conf"), "-p", str(run)], stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Visit:
    """One page load as the phone saw it."""

    paint_ms: float | None  # first contentful paint
    load_ms: float | None  # the load event
    requests: int  # sent to the server (a 304 counts; the browser's cache does not)
    wire_bytes: int  # as transferred: headers and compressed bodies
    files: list[str]  # what was requested, for --detail


class _Network:
    """Counts what goes over the (emulated) network, through the DevTools protocol."""

    def __init__(self, session: object) -> None:
        self.urls: dict[str, str] = {}
        self.cached: set[str] = set()
        self.bytes: dict[str, int] = {}
        session.on("Network.requestWillBeSent", self._sent)  # type: ignore[attr-defined]
        session.on("Network.requestServedFromCache", self._cache)  # type: ignore[attr-defined]
        session.on("Network.responseReceived", self._response)  # type: ignore[attr-defined]
        session.on("Network.loadingFinished", self._finished)  # type: ignore[attr-defined]

    def _sent(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _cache(self, event: dict) -> None:
        self.cached.add(event["requestId"])

    def _response(self, event: dict) -> None:
        if event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache"):
            self.cached.add(event["requestId"])

    def _finished(self, event: dict) -> None:
        self.bytes[event["requestId"]] = int(event.get("encodedDataLength", 0))

    def reset(self) -> None:
        self.urls.clear()
        self.cached.clear()
        self.bytes.clear()

    def sent(self) -> list[str]:
        return [
            url
            for rid, url in self.urls.items()
            if rid not in self.cached and not url.startswith("data:")
        ]


def _timings(page: object) -> tuple[float | None, float | None]:
    paint, load = page.evaluate(  # type: ignore[attr-defined]
        """() => {
          const p = performance.getEntriesByName('first-contentful-paint')[0];
          const n = performance.getEntriesByType('navigation')[0];
          return [p ? p.startTime : null, n && n.loadEventEnd ? n.loadEventEnd : null];
        }"""
    )
    return paint, load


def visit(page: object, network: _Network, url: str) -> Visit:
    network.reset()
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # what the page fetches after its load event counts too
    paint, load = _timings(page)
    return Visit(paint, load, len(network.sent()), sum(network.bytes.values()), network.sent())


def search(page: object, network: _Network, url: str) -> Visit:
    """From the report page already shown: type a query, wait for the first result."""
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    network.reset()
    start = time.perf_counter()
    page.click("label.md-header__button[for=__search]")  # type: ignore[attr-defined]
    page.fill("input[name=query]", QUERY)  # type: ignore[attr-defined]
    page.wait_for_selector(".md-search-result__item", timeout=30_000)  # type: ignore[attr-defined]
    took = (time.perf_counter() - start) * 1000
    page.wait_for_timeout(100)  # type: ignore[attr-defined]
    return Visit(None, took, len(network.sent()), sum(network.bytes.values()), network.sent())


def measure(base: str, chromium: str) -> list[tuple[str, Visit, Visit]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            targets = [(name, base + path, visit) for name, path in PAGES]
            targets.append(("搜索结果", base + "2023/baoan-feiyong/", search))
            for name, url, how in targets:
                context = browser.new_context(viewport=PHONE, device_scale_factor=2)
                page = context.new_page()
                session = context.new_cdp_session(page)
                session.send("Network.enable")
                session.send("Network.emulateNetworkConditions", SLOW_4G)
                network = _Network(session)
                first = how(page, network, url)
                page.goto("about:blank")
                repeat = how(page, network, url)
                rows.append((name, first, repeat))
                context.close()
        finally:
            browser.close()
    return rows


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value / 1000:.2f}"


def table(rows: list[tuple[str, Visit, Visit]]) -> str:
    lines = [
        "| 页面 | 首次：首次内容绘制 秒 | 首次：加载完成 秒 | 首次：请求 | 首次：传输 KiB "
        "| 再访：首次内容绘制 秒 | 再访：加载完成 秒 | 再访：请求 | 再访：传输 KiB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, first, repeat in rows:
        cells = [name]
        for v in (first, repeat):
            cells += [
                _ms(v.paint_ms),
                _ms(v.load_ms),
                str(v.requests),
                f"{v.wire_bytes / 1024:.1f}",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the sample)")
    parser.add_argument("--detail", action="store_true", help="list every request")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("需要 Chromium：apt-get install chromium")
    with tempfile.TemporaryDirectory() as work:
        site = args.site
        if site is None:
            site = Path(work) / "site"
            subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
                cwd=ROOT,
                check=True,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # MkDocs' notice about 2.0
            )
        with nginx_serving(site.resolve(), Path(work)) as base:
            rows = measure(base, chromium)
    print(table(rows))
    if args.detail:
        for name, first, repeat in rows:
            print(f"\n{name} 首次：", *first.files, sep="\n  ")
            print(f"{name} 再访：", *repeat.files, sep="\n  ")


if __name__ == "__main__":
    main()
