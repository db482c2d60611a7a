"""No outside requests, no broken links (sample site and 1,000 project-years), accessible
pages (axe-core, captions and scopes, keyboard, 200 % zoom), and the folder served by nginx."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sys
import urllib.request
from pathlib import Path

import pytest
from browsing import open_page, serve, settled_page
from conftest import ROOT, run_cli
from test_site import soup

from gongkai.commands.linkcheck import check_links

PAGE_TYPES = [
    "",
    "2023/",
    "xiangmu/",
    "xiangmu/zhujing-zhurong-xinfang-weiwen-jingfei/",
    "2023/zhujing-zhurong-xinfang-weiwen-jingfei/",
    "bumen/",
    "bumen/xiqu-xinfangju/",
    "shixiao/",
    "xiazai/",
    "about/",
    "shuju-geshi/",
    "404.html",
]


# --- links and hosts -----------------------------------------------------------------------


def test_sample_site_has_no_broken_link(built_site: Path) -> None:
    assert check_links(built_site) == []


def test_link_check_finds_broken_files_and_anchors(built_site: Path, tmp_path: Path) -> None:
    site = Path(shutil.copytree(built_site, tmp_path / "site"))
    page = site / "2023/baoan-feiyong/index.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace(
        "</article>",
        '<a href="../nowhere/">x</a><a href="../../2023/#no-such-anchor">y</a><a href="../../../../etc/passwd">z</a></article>',
    )
    page.write_text(html, encoding="utf-8")
    # The same address leads somewhere from the report and out of the site from the home page.
    home = site / "index.html"
    home.write_text(
        home.read_text(encoding="utf-8").replace(
            "</article>", '<a href="../baoan-feiyong/">w</a></article>'
        ),
        encoding="utf-8",
    )
    html = page.read_text(encoding="utf-8").replace(
        "</article>", '<a href="../baoan-feiyong/">w</a></article>'
    )
    page.write_text(html, encoding="utf-8")
    broken = {(b.page, b.href, b.reason) for b in check_links(site)}
    assert broken == {
        ("2023/baoan-feiyong/index.html", "../nowhere/", "文件不存在"),
        (
            "2023/baoan-feiyong/index.html",
            "../../2023/#no-such-anchor",
            "页面中没有锚点 #no-such-anchor",
        ),
        ("2023/baoan-feiyong/index.html", "../../../../etc/passwd", "指向网站目录之外"),
        ("index.html", "../baoan-feiyong/", "指向网站目录之外"),
    }
    result = run_cli(Path.cwd(), "linkcheck", str(site))
    assert result.returncode == 1 and "发现 4 个坏链接" in result.stdout


_URL = re.compile(r"""(?:src|href)\s*=\s*["']((?:https?:)?//[^"']+)""")


def test_built_folder_names_no_other_host(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        found = _URL.findall(page.read_text(encoding="utf-8"))
        assert found == [], f"{page.relative_to(built_site)}: {found}"
    for sheet in built_site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", sheet.read_text(encoding="utf-8")), (
            sheet
        )


# --- accessibility -------------------------------------------------------------------------


def test_every_table_has_a_caption_and_header_scopes(built_site: Path) -> None:
    for page in built_site.rglob("*.html"):
        for table in soup(built_site, str(page.relative_to(built_site))).find_all("table"):
            if "gk" not in (table.get("class") or []):
                continue
            where = f"{page.relative_to(built_site)}"
            assert table.caption and table.caption.get_text(strip=True), where
            assert table.thead, where
            for cell in table.find_all("th"):
                assert cell.get("scope") in ("col", "row", "colgroup", "rowgroup"), where


@pytest.fixture(scope="module")
def server(built_site: Path):  # type: ignore[no-untyped-def]
    with serve(built_site) as url:
        yield url


# That every page type loads nothing from another host, logs no script error and has no
# axe violation (of any impact, at both widths and contrasts): test_public_face's axe test.


@pytest.mark.browser
def test_keyboard_reaches_links_with_a_visible_focus(browser: object, server: str) -> None:
    page, _, _ = open_page(browser, server + "2023/")
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        state = page.evaluate(  # type: ignore[attr-defined]
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
               return [e.tagName, e.textContent.trim().slice(0, 20),
                       (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none']; }"""
        )
        reached.append(state)
        if state[1] == "保安费用":
            break
    assert reached[-1][:2] == ["A", "保安费用"], (
        reached
    )  # a project in the table, by keyboard alone
    assert reached[-1][2], "the focused link shows no focus ring"
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.wait_for_url("**/2023/baoan-feiyong/")  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.parametrize(
    "path", ["", "2023/", "2023/zhujing-zhurong-xinfang-weiwen-jingfei/", "shixiao/"]
)
def test_text_zoomed_to_200_percent_loses_nothing(browser: object, server: str, path: str) -> None:
    # 200 % zoom of a 1280 px window is a 640 px wide layout at twice the size.
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)  # type: ignore[attr-defined]
    page, requests = settled_page(context)
    page.goto(server + path)
    requests.settle()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('article p, article li, article h1, article h2')]
                 .filter(e => e.scrollWidth > e.clientWidth + 1).length"""
    )
    assert clipped == 0
    assert page.locator("article h1").is_visible()
    context.close()


# --- served by nginx -----------------------------------------------------------------------


@pytest.fixture()
def nginx(built_site: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have nginx (.ci/run installs Debian's nginx)")
        pytest.skip("nginx not installed: apt-get install nginx")
    site = Path(shutil.copytree(built_site, tmp_path / "site"))
    (site / "assets/test.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8"
    )
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from page_speed import nginx_serving  # the same server block as the page-speed benchmark

    with nginx_serving(site, tmp_path) as base:
        yield base


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_serves_the_folder_with_the_right_types(nginx: str, built_site: Path) -> None:
    expected = {
        "": "text/html",
        "2023/baoan-feiyong/": "text/html",
        "xiazai/quanbu.json": "application/json",
        "sitemap.xml": "text/xml",
        "feed.xml": "application/atom+xml",
        "assets/test.svg": "image/svg+xml",
        "xiazai/2023-yusuan.csv": "text/csv",
        "xiazai/2023.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    # The site's own style sheet carries a digest of its content in its name.
    sheet = re.search(
        r'href="(assets/gongkai\.[0-9a-f]{8}\.css)"', (built_site / "index.html").read_text("utf-8")
    )
    assert sheet is not None
    expected[sheet.group(1)] = "text/css"
    for path, content_type in expected.items():
        status, headers, body = _get(nginx + path)
        assert status == 200, path
        assert headers["Content-Type"].split(";")[0] == content_type, (
            path,
            headers["Content-Type"],
        )
        assert body
    status, headers, _ = _get(nginx + "xiazai/2023-yusuan.csv")
    assert (
        "charset=utf-8" in headers["Content-Type"]
        and headers.get("Content-Disposition") == "attachment"
    )
    status, _, body = _get(nginx + "no/such/page/")
    assert status == 404 and "攀枝花市西区" in body.decode("utf-8")


def _get_gzip(url: str) -> tuple[dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return dict(response.headers), response.read()


def test_nginx_compresses_and_lets_browsers_keep_what_never_changes(
    nginx: str, built_site: Path
) -> None:
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assets = re.findall(r'(?:href|src)="(assets/[^"]+\.(?:css|js|png))"', home)
    # Every style sheet, script and icon a page loads has a digest in its name ...
    assert len(assets) >= 6 and all(re.search(r"\.[0-9a-f]{8}(\.min)?\.\w+$", a) for a in assets)
    for asset in assets:
        headers, body = _get_gzip(nginx + asset)
        # ... and is kept a year by the browser, which never asks for it again.
        assert (
            "immutable" in headers["Cache-Control"]
            and "max-age=31536000" in headers["Cache-Control"]
        )
        if not asset.endswith(".png"):
            # Sent compressed: the copy made at build time, byte for byte (gzip_static).
            assert headers.get("Content-Encoding") == "gzip", asset
            assert body == (built_site / (asset + ".gz")).read_bytes(), asset
            assert gzip.decompress(body) == (built_site / asset).read_bytes()
    # A page and the data may be corrected at any time: the browser asks every time.
    for path in ("", "2023/baoan-feiyong/", "xiazai/2023-yusuan.csv", "feed.xml", "search/s/0.js"):
        headers, body = _get_gzip(nginx + path)
        assert headers["Cache-Control"] == "no-cache", path
    headers, body = _get_gzip(nginx + "2023/baoan-feiyong/")
    assert headers.get("Content-Encoding") == "gzip" and len(body) < 0.4 * len(
        (built_site / "2023/baoan-feiyong/index.html").read_bytes()
    )


def test_the_build_writes_the_same_compressed_copies_again(
    built_site: Path, tmp_path: Path
) -> None:
    from gongkai.outputs.assets import compress_assets

    site = Path(shutil.copytree(built_site, tmp_path / "site"))
    before = {p.relative_to(site): p.read_bytes() for p in site.glob("assets/**/*.gz")}
    assert {p.suffixes[-2] for p in before} >= {".css", ".js"}
    assert compress_assets(site) == 0  # nothing stale: nothing written
    next(site.glob("assets/stylesheets/main.*.css.gz")).unlink()
    next(site.glob("assets/gongkai.*.css.gz")).write_bytes(b"stale")
    assert compress_assets(site) == 2
    # The same bytes as the build wrote (no time stamp inside the gzip header).
    assert {p.relative_to(site): p.read_bytes() for p in site.glob("assets/**/*.gz")} == before


@pytest.mark.browser
def test_a_page_asks_only_for_what_it_uses_and_a_return_visit_for_the_page_alone(
    browser: object, nginx: str
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from page_speed import _Network

    context = browser.new_context(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    network = _Network(session)
    url = nginx + "2023/baoan-feiyong/"
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)  # what Material's script would fetch after the load event
    first = sorted(u.removeprefix(nginx) for u in network.sent())
    names = page.eval_on_selector_all(
        "link[rel=stylesheet], link[rel=icon], script[src]",
        "tags => tags.map(t => new URL(t.href || t.src).pathname.slice(1))",
    )
    # The page and the files it names; no sitemap.xml, no unused search index, nothing else.
    assert first == sorted(["2023/baoan-feiyong/", *names])
    network.reset()
    page.goto("about:blank")
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)
    # Back later: only the page is asked for (answered 304 if unchanged); every style sheet,
    # script and icon comes from the browser's cache without a question.
    assert [u.removeprefix(nginx) for u in network.sent()] == ["2023/baoan-feiyong/"]
    context.close()


@pytest.mark.browser
def test_pages_through_nginx_load_in_chromium(browser: object, nginx: str) -> None:
    page, outside, errors = open_page(
        browser, nginx + "2023/zhujing-zhurong-xinfang-weiwen-jingfei/"
    )
    assert page.locator("table.gk-indicators").is_visible()  # type: ignore[attr-defined]
    assert outside == [] and errors == []
    page.close()  # type: ignore[attr-defined]
