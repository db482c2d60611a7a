"""Smoke test in a real headless Chromium (Debian's ``chromium``): pages render, tables are
visible and fit a phone, no console errors, and no request leaves the site's own host."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from browsing import axe_violations, open_page, serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.mark.parametrize(
    "path",
    # The other pages, one of each kind, in test_public_face's axe test.
    ["xiangmu/baoan-feiyong/", "2023/baoan-feiyong/"],
)
def test_pages_load_without_errors_or_outside_requests(
    browser: object, server: str, path: str
) -> None:
    page, outside, errors = open_page(browser, server + path)
    assert outside == []
    assert errors == []
    assert page.locator("article h1").count() == 1  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_the_quicker_axe_run_still_finds_every_kind_of_violation(
    browser: object, server: str
) -> None:
    # The tests gather violations only (axe's resultTypes); each is still found, node by node.
    page, _, _ = open_page(browser, server + "2023/baoan-feiyong/")
    page.evaluate(  # type: ignore[attr-defined]
        """() => { const img = document.createElement('img'); img.src = 'x.png';
                   document.querySelector('article').append(img, img.cloneNode());
                   document.querySelector('article h1').style.color = '#ddd'; }"""
    )
    found = {v["id"]: len(v["nodes"]) for v in axe_violations(page)}
    assert found == {"image-alt": 2, "color-contrast": 1}, found
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


@pytest.mark.parametrize(
    "path",
    [
        "",
        "2023/",
        "xiangmu/zhujing-zhurong-xinfang-weiwen-jingfei/",
        "2023/zhujing-zhurong-xinfang-weiwen-jingfei/",
    ],
)
def test_charts_and_downloads_are_visible(browser: object, server: str, path: str) -> None:
    page, outside, errors = open_page(browser, server + path)
    chart = page.locator("figure.gk-chart svg").first  # type: ignore[attr-defined]
    assert chart.is_visible()
    assert chart.bounding_box()["height"] > 100
    downloads = page.locator(".gk-downloads a")  # type: ignore[attr-defined]
    assert downloads.count() >= 4
    href = downloads.first.get_attribute("href")
    response = page.request.get(urljoin(page.url, href))  # type: ignore[attr-defined]
    assert response.ok and len(response.body()) > 100
    assert outside == [] and errors == []
    page.close()  # type: ignore[attr-defined]


def test_project_page_prints_on_a4_without_navigation(
    browser: object, server: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    page, _, _ = open_page(browser, server + "2023/zhujing-zhurong-xinfang-weiwen-jingfei/")
    pdf = tmp_path / "page.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]
    reader = PdfReader(pdf)
    assert 3 <= len(reader.pages) <= 8  # the sample page fills about five A4 pages
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    # NFKC: PDF fonts may map some characters to Kangxi radicals (⽹ for 网).
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    for text in texts:
        squeezed = re.sub(r"\s+", "", text)
        assert (
            "网址:/2023/zhujing-zhurong-xinfang-weiwen-jingfei/" in squeezed
        )  # footer on every page
        assert "发布日期:尚无公开记录" in squeezed  # the report's own date is not in the data
    everything = re.sub(r"\s+", "", "".join(texts))
    for navigation in ("关于本站", "公开部门", "数据格式说明", "搜索", "本项目数据下载"):
        assert navigation not in everything, navigation
    assert "四、项目绩效情况" in everything and "驻京驻蓉信访维稳经费" in everything
