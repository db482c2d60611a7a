"""Search benchmark (搜索性能): the size and number of index files, the bytes a query fetches
(from the first keystroke to the result) and the time until the first result appears in
headless Chromium, on the synthetic data of bench.py (varied report text). Not a test.

    python benchmarks/search_bench.py            # 1000 and 5000 project-years
    python benchmarks/search_bench.py 5000
"""

from __future__ import annotations

import functools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench  # the same synthetic data as the build benchmark

# Typical queries: a name fragment, pinyin, initials, a phrase from the text, a place, a
# document-style number, an amount, a topic.
QUERIES = [
    "经费17号",
    "baoan",
    "bajf",
    "矛盾纠纷排查化解",
    "清香坪街道",
    "实行清单化管理",
    "2万元",
    "法律援助",
    "信访",
    "临时救助",
]


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
        files = [p for p in (site / "search").rglob("*.js")]
        index_bytes = sum(p.stat().st_size for p in files)
        largest = max(p.stat().st_size for p in files)
        httpd = ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site))
        )
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        timings, fetched = [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            for query in QUERIES:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/")
                page.wait_for_load_state("networkidle")
                sizes: list[int] = []
                page.on(
                    "response",
                    lambda r, sizes=sizes: (
                        sizes.append(len(r.body())) if "/search/" in r.url else None
                    ),
                )
                box = page.locator(".gk-search input[name=query]")
                start = time.perf_counter()
                box.click()  # the first keystroke: the index settings load on focus
                box.fill(query)
                page.wait_for_selector(".gk-search .md-search-result__item", timeout=30000)
                timings.append((time.perf_counter() - start) * 1000)
                page.wait_for_function(
                    "() => /找到|没有/.test(document.querySelector("
                    "'.gk-search .md-search-result__meta').textContent)"
                )
                fetched.append(sum(sizes))
                page.close()
            browser.close()
        httpd.shutdown()
    return {
        "project_years": size,
        "index_kib": round(index_bytes / 1024),
        "index_files": len(files),
        "largest_file_kib": round(largest / 1024),
        "query_kib": round(statistics.median(fetched) / 1024),
        "query_kib_max": round(max(fetched) / 1024),
        "first_result_ms_median": round(statistics.median(timings)),
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
