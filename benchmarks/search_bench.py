"""Search benchmark (搜索性能): index size and time until the first result appears in headless
Chromium after a query is typed, on synthetic data. Not a test: run it by hand.

    python benchmarks/search_bench.py            # 1000 and 5000 project-years
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench  # the same synthetic data as the build benchmark

QUERIES = ["经费17号", "jingfei17", "安全", "baoan", "17号"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def measure(size: int) -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        bench.synthesise(work / "data", size)
        project = bench.hooks_project(work, work / "data")
        site = work / "site"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
            cwd=project,
            env=env,
            check=True,
        )
        index_bytes = (site / "search/gongkai-index.js").stat().st_size
        httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
        )
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        timings = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            for query in QUERIES:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
                page.wait_for_load_state("networkidle")
                box = page.locator(".gk-search input[name=query]")
                box.click()
                start = time.perf_counter()
                box.fill(query)
                page.wait_for_selector(".gk-search .md-search-result__item", timeout=30000)
                timings.append((time.perf_counter() - start) * 1000)
                page.close()
            browser.close()
        httpd.shutdown()
    return {
        "project_years": size,
        "index_kib": round(index_bytes / 1024),
        "first_result_ms_median": round(sorted(timings)[len(timings) // 2]),
        "first_result_ms_max": round(max(timings)),
    }


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 5000]
    rows = [measure(n) for n in sizes]
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows:
        print("| " + " | ".join(str(v) for v in row.values()) + " |")


if __name__ == "__main__":
    main()
