"""The public face in a real Chromium at a 390 px phone and a 1280 px desktop: plain words,
tables and charts that read on a phone, what a government portal requires, 大字 and 高对比度,
axe with no violation of any impact, the originals, one date style, print, and the built HTML
behind each of these."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import yaml
from browsing import OpenPages, Requests, axe_violations, open_page, serve, settled_page
from conftest import SAMPLE, copy_project, mkdocs_build
from test_hardening import PAGE_TYPES
from test_site import soup, text_of

WIDTHS = [390, 1280]
REPORT = "2023/zhujing-zhurong-xinfang-weiwen-jingfei/"
PAGE_KINDS = PAGE_TYPES  # every kind of page of the sample site


@pytest.fixture(scope="module")
def server(built_site: Path) -> Iterator[str]:
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def opened(browser: object, server: str) -> Iterator[OpenPages]:
    """The sample's pages, each opened once (a width, a contrast) for the checks that only
    read them."""
    pages = OpenPages(browser, server)
    yield pages
    pages.close()


def _public_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("*.html")) if "search" not in p.parts]


# --- 1. plain words ------------------------------------------------------------------------


def test_public_pages_hold_no_dashes_jargon_or_paths(built_site: Path) -> None:
    for path in _public_pages(built_site):
        page = soup(built_site, str(path.relative_to(built_site)))
        article = page.find("article")
        if article is None:
            continue
        where = str(path.relative_to(built_site))
        cells = [text_of(c) for c in article.find_all(["td", "th"])]
        assert not {"—", "—→—", "无法计算", "不计算"} & set(cells), where
        text = text_of(article)
        if where.startswith("shuju-geshi"):  # the data format, written for the clerk
            continue
        # 未填/未填写 is the clerk's data-entry word; the public reads why a value is absent.
        for jargon in ("未填", "数据文件", "data/", ".yml", "未记录"):
            assert jargon not in text, (where, jargon)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_an_unscored_report_says_so_in_one_sentence(opened: OpenPages, width: int) -> None:
    page, _, errors = opened(REPORT, width)
    reason = page.locator(".gk-score-reason")  # type: ignore[attr-defined]
    assert reason.is_visible()
    assert "本站不计算" in reason.inner_text() or "不计算总分" in reason.inner_text()
    assert page.locator("table.gk-scores").count() == 0  # type: ignore[attr-defined]
    assert errors == []


# --- 2. phones and narrow tables -----------------------------------------------------------


# Lines of text in a node: the tops of its text's boxes (not of a sort button's own box), a
# few pixels apart counted as one line (a symbol from another font sits a little higher).
_LINES = """(node) => { const tops = [];
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const r of range.getClientRects()) { if (r.width > 0) tops.push(r.top); } }
  tops.sort((a, b) => a - b);
  return tops.filter((t, i) => i === 0 || t - tops[i - 1] > 4).length; }"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_short_terms_stay_whole_and_wide_tables_say_they_scroll(
    browser: object, server: str, width: int
) -> None:
    page, _, errors = open_page(browser, server + REPORT, width)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    # Every column heading without its own line break sits on one line; no 4-character term
    # in a cell is cut ("保安费/用", "年初预/算").
    for cell in page.locator(".gk-table thead th").all():  # type: ignore[attr-defined]
        if cell.locator("br").count() == 0:
            assert cell.evaluate(_LINES) == 1, cell.inner_text()
    for cell in page.locator(".gk-table td, .gk-table tbody th").all():  # type: ignore[attr-defined]
        text = cell.inner_text().strip()
        if 2 <= len(text) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", text):
            assert cell.evaluate(_LINES) == 1, text
    trend = page.locator(".gk-table:has(table.gk-trend)").first  # type: ignore[attr-defined]
    scrolls = trend.evaluate("b => b.scrollWidth > b.clientWidth + 1")
    hint = trend.evaluate("b => getComputedStyle(b, '::before').content")
    if scrolls:  # the phone: a visible hint, and the keyboard scrolls the region
        assert "左右滑动" in hint
        trend.focus()
        assert trend.evaluate("b => document.activeElement === b")
        page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
        page.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
        page.wait_for_function(  # type: ignore[attr-defined]
            "() => document.querySelector('.gk-table:has(table.gk-trend)').scrollLeft > 0"
        )
    else:
        assert hint in ("none", "normal", "")
    if width == 390:
        assert scrolls  # nine columns do not fit a phone
    # Whichever the width, the columns that answer "how did it change" come before the parts.
    heads = [h.strip() for h in trend.locator("thead th").all_inner_texts()]
    assert heads.index("执行较上年") < heads.index("年初预算")
    # Every scroll region is a named, focusable region (axe: scrollable-region-focusable).
    for box in page.locator(".gk-table").all():  # type: ignore[attr-defined]
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    assert errors == []
    page.close()  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE_KINDS[:-1])
def test_no_short_term_is_cut_on_any_page(opened: OpenPages, width: int, path: str) -> None:
    page, _, _ = opened(path, width)
    # In the page, in one call: three calls a cell took most of this test's second.
    cut = page.evaluate(  # type: ignore[attr-defined]
        f"""() => {{ const lines = {_LINES};
             return [...document.querySelectorAll('.gk-table td, .gk-table th')]
               .map(cell => [cell, cell.innerText.trim()])
               .filter(([cell, text]) => /^(?:[\\u4e00-\\u9fff]{{2,4}}|[0-9]{{4}}年度?)$/.test(text)
                 && cell.querySelector("br") === null && lines(cell) > 1)
               .map(([cell, text]) => text); }}"""
    )
    assert cut == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["", "2023/", REPORT, "xiangmu/baoan-feiyong/"])
def test_chart_text_is_at_least_12_px(opened: OpenPages, width: int, path: str) -> None:
    page, _, _ = opened(path, width)
    sizes = page.evaluate(  # type: ignore[attr-defined]
        """() => [...document.querySelectorAll('figure.gk-chart svg')].flatMap(svg => {
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
             return [...svg.querySelectorAll('text')].map(
               t => parseFloat(getComputedStyle(t).fontSize) * scale); })"""
    )
    assert sizes and min(sizes) >= 12, min(sizes)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_key_facts_open_the_page(opened: OpenPages, width: int) -> None:
    page, _, _ = opened(REPORT, width)
    facts = page.locator(".gk-summary")  # type: ignore[attr-defined]
    assert facts.bounding_box()["y"] < 700  # in the first screen, above the chart
    text = facts.inner_text()
    for fact in ("全年预算", "15.00 万元", "实际执行", "执行率", "100.00%", "较上年"):
        assert fact in text, fact
    assert "+10.00 万元" in text and "+200.00%" in text  # the change as an amount and a %


# --- 3. what a government portal requires --------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE_KINDS[:-1])
def test_every_page_shows_where_it_is_and_its_date(
    opened: OpenPages, width: int, path: str
) -> None:
    page, _, _ = opened(path, width)
    crumb = page.locator("nav.gk-breadcrumb")  # type: ignore[attr-defined]
    assert crumb.is_visible() and crumb.inner_text().startswith("当前位置：")
    dateline = page.locator(".gk-dateline")  # type: ignore[attr-defined]
    assert dateline.is_visible()
    if path == REPORT:
        # The sample gives no publication date for the 自评报告 itself: the page says so, and
        # does not pass the targets' month off as its own 发布日期.
        assert (
            dateline.inner_text()
            == "项目支出绩效自评报告的公开日期尚无记录（绩效目标于2023年3月公开）。"
        )
    else:
        assert re.search(r"(发布|更新)日期：\d{4}年\d{1,2}月(\d{1,2}日)?", dateline.inner_text())


def test_pages_carry_gbt_42147_metadata(built_site: Path) -> None:
    page = soup(built_site, REPORT + "index.html")
    meta = {m["name"]: m["content"] for m in page.find_all("meta", attrs={"name": True})}
    assert meta["SiteName"] == "攀枝花市西区预算项目支出绩效信息公开"
    assert meta["ColumnName"] == "攀枝花市西区信访局"  # the page above it in 当前位置
    assert meta["ArticleTitle"] == "驻京驻蓉信访维稳经费（2023年度）"
    assert "PubDate" not in meta  # the report's own publication date is not in the data
    year = soup(built_site, "2023/index.html")
    year_meta = {m["name"]: m["content"] for m in year.find_all("meta", attrs={"name": True})}
    assert year_meta["PubDate"] == "2023-03"  # its newest publication, only as precise as the data
    assert meta["ContentSource"] == "攀枝花市西区信访局"
    for path in _public_pages(built_site):
        found = soup(built_site, str(path.relative_to(built_site)))
        names = {m["name"] for m in found.find_all("meta", attrs={"name": True})}
        if path.name == "404.html":
            continue
        assert {"SiteName", "ColumnName", "ArticleTitle", "ContentSource"} <= names, path


def test_the_index_number_follows_the_configured_pattern(tmp_path: Path) -> None:
    from conftest import run_cli

    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        'index_pattern: "{code}-{year}-{serial:04d}"',
        'index_pattern: "{credit_code}/{year}-{serial:05d}"\n    topic: 综合政务、财政',
    )
    config.write_text(text, encoding="utf-8")
    # A new report, approved and not yet published: publish numbers it.
    data = yaml.safe_load((SAMPLE / "jiefang-feiyong.yml").read_text(encoding="utf-8"))
    data.pop("attachments")
    data.update(
        name="新项目", slug="xin-xiangmu", disclosure={"targets": {"approved": "2023-03-10"}}
    )
    report = project / "data/2023/xiqu-xinfangju/xin-xiangmu.yml"
    report.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    refused = run_cli(project, "publish", "--date", "2023-03-20")
    assert refused.returncode != 0 and "credit_code（统一社会信用代码）" in refused.stderr
    registry = project / "data/departments.yml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace(
            "    short_name: 西区信访局\n",
            "    short_name: 西区信访局\n    credit_code: 11510403MB1534962X\n",
        ),
        encoding="utf-8",
    )
    done = run_cli(project, "publish", "--date", "2023-03-20")
    assert done.returncode == 0, done.stderr
    number = re.search(r"index_number: (\S+)", report.read_text(encoding="utf-8")).group(1)
    assert re.fullmatch(r"11510403MB1534962X/2023-\d{5}", number), number
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    facts = text_of(soup(site, "2023/xin-xiangmu/index.html").find("dl", class_="gk-facts"))
    assert f"索引号{number}" in facts and "主题分类综合政务、财政" in facts
    bad = text.replace("{credit_code}/{year}", "{creditcode}/{year}")
    config.write_text(bad, encoding="utf-8")
    wrong = run_cli(project, "check")
    assert wrong.returncode == 1 and "{creditcode} 不认识" in wrong.stderr


def test_no_year_department_or_list_is_empty(built_site: Path) -> None:
    for path in ["2023/", "bumen/xiqu-xinfangju/", "xiangmu/", "bumen/"]:
        links = soup(built_site, path + "index.html").find("article").select("table a[href]")
        assert links, path
    assert not (built_site / "2022/index.html").exists()  # a year with nothing is not made


# --- 4. 适老化 and 无障碍 ------------------------------------------------------------------


_SIZES = """() => ['article p', 'article td', '.md-nav__link', '.md-header__topic', 'nav.gk-breadcrumb']
  .map(s => document.querySelector(s)).filter(Boolean)
  .map(e => parseFloat(getComputedStyle(e).fontSize))"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_large_text_by_keyboard_stays_across_pages_and_reloads(
    browser: object, server: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(server + REPORT)
    before = page.evaluate(_SIZES)
    button = page.locator("button[data-gk-toggle=size]")
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    after = page.evaluate(_SIZES)
    assert len(after) == len(before) >= 4
    assert all(a >= 1.2 * b - 0.01 for a, b in zip(after, before, strict=True)), (before, after)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.reload()
    assert page.evaluate(_SIZES) == after
    page.goto(server + "2023/")
    assert page.locator("button[data-gk-toggle=size]").get_attribute("aria-pressed") == "true"
    assert page.evaluate("document.documentElement.dataset.gkSize") == "large"
    page.keyboard.press("Tab")  # the button works by Space as well
    page.locator("button[data-gk-toggle=size]").focus()
    page.keyboard.press("Space")
    assert page.evaluate("document.documentElement.dataset.gkSize") is None
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_high_contrast_switch(browser: object, server: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    page, requests = settled_page(context)
    page.goto(server + REPORT)
    page.locator("button[data-gk-toggle=contrast]").focus()
    page.keyboard.press("Enter")
    colours = page.evaluate(
        """() => [getComputedStyle(document.body).backgroundColor,
                  getComputedStyle(document.querySelector('article p')).color,
                  getComputedStyle(document.querySelector('article h1')).color,
                  getComputedStyle(document.querySelector('.gk-reading__button')).borderTopColor]"""
    )
    assert colours == ["rgb(0, 0, 0)"] + ["rgb(255, 255, 255)"] * 3
    page.goto(server + "shixiao/")
    assert page.evaluate("document.documentElement.dataset.gkContrast") == "high"
    for path in (REPORT, "shixiao/"):
        page.goto(server + path)
        requests.settle()
        violations = axe_violations(page)
        assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("contrast", ["standard", "high"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGE_KINDS)
def test_axe_finds_no_violation_of_any_impact(
    opened: OpenPages, width: int, path: str, contrast: str
) -> None:
    """And the page loads nothing from another host, its scripts log no error (the 404
    page: the missing address it stands for), and it has one heading of the first level."""
    page, outside, errors = opened(path, width, contrast)
    chosen = page.evaluate("document.documentElement.dataset.gkContrast")  # type: ignore[attr-defined]
    assert chosen == ("high" if contrast == "high" else None)
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations]
    assert outside == []
    assert [e for e in errors if path != "404.html" or "404" not in e] == []
    assert page.locator("article h1").count() == 1  # type: ignore[attr-defined]


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_no_pop_ups_or_motion(browser: object, server: str, width: int) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    requests = Requests(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(server + REPORT)
    requests.settle()
    page.mouse.wheel(0, 1500)
    moving = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => {
             const s = getComputedStyle(e);
             return s.animationName !== 'none' ||
               s.transitionDuration.split(',').some(d => parseFloat(d) > 0); }).length"""
    )
    assert moving == 0 and dialogs == []
    page.close()


# --- 5. the original documents -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_the_original_is_downloadable_and_matches_its_checksum(
    browser: object, server: str, width: int
) -> None:
    page, outside, _ = open_page(browser, server + REPORT, width)
    link = page.locator("#fujian + ul.gk-attachments a").first  # type: ignore[attr-defined]
    assert link.is_visible() and "附件4" in link.inner_text()
    body = page.request.get(urljoin(page.url, link.get_attribute("href"))).body()  # type: ignore[attr-defined]
    data = yaml.safe_load(
        (SAMPLE / "zhujing-zhurong-xinfang-weiwen-jingfei.yml").read_text(encoding="utf-8")
    )
    original = SAMPLE / data["attachments"][0]["file"]
    assert body == original.read_bytes()
    shown = page.locator(".gk-checksum code").first.inner_text()  # type: ignore[attr-defined]
    assert shown == hashlib.sha256(body).hexdigest()
    assert unquote(link.get_attribute("href")).endswith(original.name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # type: ignore[attr-defined]
    assert outside == []
    page.close()  # type: ignore[attr-defined]


def test_a_missing_original_is_a_data_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    report = project / "data/2023/xiqu-xinfangju/jiefang-feiyong.yml"
    report.write_text(
        report.read_text(encoding="utf-8").replace("原文/附件4", "原文/附件5"), encoding="utf-8"
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "jiefang-feiyong.yml 第" in result.stderr
    assert "attachments[0].file：找不到文件 原文/附件5-项目支出绩效自评报告.txt" in result.stderr


# --- 6. one date style, visible contradictions ---------------------------------------------


def test_one_date_style_on_every_public_page(built_site: Path) -> None:
    for path in _public_pages(built_site):
        relative = str(path.relative_to(built_site))
        if relative.startswith("shuju-geshi"):  # the data format: how dates are typed
            continue
        page = soup(built_site, relative)
        for node in page(["script", "style", "code"]):
            node.decompose()
        article = page.find("article")
        if article is None:
            continue
        for node in article.select(".gk-facts dd"):  # 索引号 holds a year and a serial
            if node.find_previous_sibling("dt").get_text() == "索引号":
                node.decompose()
        iso = re.findall(r"\b\d{4}-\d{2}(?:-\d{2})?\b", article.get_text(" "))
        assert iso == [], (relative, iso)


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_a_contradiction_is_marked_where_the_figure_is(
    browser: object, server: str, width: int
) -> None:
    page, _, _ = open_page(browser, server + REPORT, width)
    flag = page.locator("table.gk-trend .gk-flag")  # type: ignore[attr-defined]
    flag.scroll_into_view_if_needed()
    assert flag.is_visible() and flag.inner_text() == "与金额不符"
    assert flag.evaluate("e => getComputedStyle(e).fontWeight") in ("700", "bold")
    note = page.locator(".gk-flag-note")  # type: ignore[attr-defined]
    assert note.is_visible() and "+200.00%" in note.inner_text()
    page.close()  # type: ignore[attr-defined]


# --- 7. the archives explained -------------------------------------------------------------


def test_the_about_page_explains_the_archived_versions(built_site: Path) -> None:
    text = text_of(soup(built_site, "about/index.html").find("article"))
    assert "归档版本" in text and "banben/2022/" in text and "与归档版本无关" in text


# --- 8. print ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scored_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with 保安费用's indicators weighted to 90 points: a full score table."""
    root = tmp_path_factory.mktemp("scored")
    project = copy_project(root / "project")
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for indicator, weight in zip(data["performance"]["indicators"], [30, 20, 20, 20], strict=False):
        indicator["weight"] = weight
        indicator["actual"] = indicator.get("target") or "完成"
    weights = sum(i.get("weight", 0) for i in data["performance"]["indicators"])
    rest = data["performance"]["indicators"][4:]
    for indicator in rest:
        indicator["weight"] = 0
        indicator["actual"] = indicator.get("target") or "完成"
    assert weights == 90
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_print_drops_screen_furniture_and_keeps_the_score_total_with_its_table(
    browser: object, scored_site: Path, width: int, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    with serve(scored_site) as url:
        page, _, _ = open_page(browser, url + "2023/baoan-feiyong/", width)
        assert page.locator("table.gk-scores tfoot .gk-total").count() == 1  # type: ignore[attr-defined]
        pdf = tmp_path / "page.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)  # type: ignore[attr-defined]
        page.close()  # type: ignore[attr-defined]
    pages = [
        re.sub(r"\s+", "", unicodedata.normalize("NFKC", p.extract_text()))
        for p in PdfReader(pdf).pages
    ]
    everything = "".join(pages)
    for furniture in ("→", "本项目历年情况", "全部项目的公开时效", "大字", "高对比度", "数据文件"):
        assert furniture not in everything, furniture
    assert "金额明细(单位:元,精确到分)" in everything  # the folded section prints open
    with_table = [i for i, text in enumerate(pages) if "自评得分:按金额" in text]
    with_total = [i for i, text in enumerate(pages) if "等级:" in text]
    assert with_table and with_table == with_total, (with_table, with_total)


def test_a_site_without_reports_has_no_empty_columns(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for report in (project / "data").rglob("*.yml"):
        if report.name != "departments.yml":
            report.unlink()
    (project / "data/publication-records.json").unlink()  # a department starting afresh
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("index.html"))
    assert pages == ["about/index.html", "index.html", "shuju-geshi/index.html"]
    home = soup(site, "index.html")
    assert "本站尚未公开任何报告。" in text_of(home.find("article"))
    navigation = text_of(home.select_one(".md-sidebar--primary"))
    for column in ("年度", "全部项目", "公开部门", "公开时效", "数据下载"):
        assert column not in navigation, column


def test_a_missing_approval_date_is_not_called_unapproved(built_site: Path) -> None:
    """The data gives no approval date for the 自评报告: its deadline cannot be known, and the
    page must not claim it was never approved."""
    table = soup(built_site, "shixiao/index.html").select_one("table.gk-events")
    heads = [text_of(c) for c in table.thead.find_all("th")]
    deadline = heads.index("公开期限")
    undated = [
        [text_of(c) for c in r.find_all(["th", "td"])]
        for r in table.tbody.find_all("tr")
        if "自评报告" in text_of(r)
    ]
    assert undated and all(cells[deadline] == "无法确定" for cells in undated)


def test_a_reports_text_is_shown_as_escaped_paragraphs_with_its_line_breaks() -> None:
    """The report's text as written: a blank line (spaces allowed) between paragraphs, a line
    break kept as one, every character that means something in HTML escaped; the same as
    markupsafe's own formatting of each paragraph, on 20,000 random texts of those characters."""
    import random
    import re

    from markupsafe import Markup, escape

    from gongkai.render.environment import paragraphs

    def formatted(text: str) -> Markup:
        blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text.strip("\n")) if b.strip()]
        return Markup("").join(
            Markup("<p>{}</p>").format(
                Markup("<br>").join(escape(line) for line in block.split("\n"))
            )
            for block in blocks
        )

    pieces = ["\n", "\n\n", "\n \n", " ", "<", ">", "&", '"', "'", "一", "a", "\t", "{}", "%s"]
    chosen = random.Random(7)
    for _ in range(20_000):
        text = "".join(chosen.choice(pieces) for _ in range(chosen.randint(0, 30)))
        shown = paragraphs(text)
        assert shown == formatted(text) and isinstance(shown, Markup), repr(text)
    assert paragraphs("甲<b>\n乙\n\n丙&") == Markup("<p>甲&lt;b&gt;<br>乙</p><p>丙&amp;</p>")
    assert paragraphs(None) == Markup('<p class="gk-missing">报告未写明这一部分。</p>')


def test_table_cells_read_as_the_template_macros_they_replace() -> None:
    """The amount, rate and change cells are made in Python now: the same HTML as the
    template macros they replace, for amounts with and without decimals, negative, zero and
    missing, and a text in place of a missing amount that holds HTML's own characters."""
    from decimal import Decimal

    from gongkai.render.environment import environment

    macros = (
        environment()
        .from_string(
            """
{%- macro amount(value, absent="报告未写明") -%}
{% if value is none %}<td class="gk-num gk-missing">{{ absent }}</td>{% else %}<td class="gk-num"><data value="{{ value }}" title="{{ value|yuan }} 元">{{ value|wan }}</data></td>{% endif %}
{%- endmacro %}
{% macro rate(value, adjusted=none, executed=none) -%}
{% if value is not none %}<td class="gk-num">{{ value|percent }}</td>
{%- elif executed is none %}<td class="gk-num gk-missing">无执行数</td>
{%- elif adjusted is none %}<td class="gk-num gk-missing">无预算数</td>
{%- else %}<td class="gk-num gk-missing">预算为零</td>{% endif %}
{%- endmacro %}
{% macro change(value) -%}
{% if value is none %}<td class="gk-num gk-missing">无从比较</td>{% else %}<td class="gk-num">{{ value|signed }}</td>{% endif %}
{%- endmacro %}
{% macro change_both(amount, fraction) -%}
{% if amount is none %}<td class="gk-num gk-missing">无从比较</td>{% else %}<td class="gk-num">{{ amount|change_wan }}{% if fraction is not none %}<br>{{ fraction|signed }}{% endif %}</td>{% endif %}
{%- endmacro %}
"""
        )
        .module
    )
    cells = environment().globals
    values = [None, *map(Decimal, ("0", "80000", "-35000", "1.5", "123456789.125", "0.004"))]
    for value in values:
        assert cells["amount_cell"](value) == macros.amount(value)
        assert cells["amount_cell"](value, '<无>&"') == macros.amount(value, '<无>&"')
        assert cells["change_cell"](value) == macros.change(value)
        for other in values:
            assert cells["change_both_cell"](value, other) == macros.change_both(value, other)
            for third in values:
                shown = cells["rate_cell"](value, other, third)
                assert shown == macros.rate(value, other, third), (value, other, third)
    assert cells["rate_cell"](None) == macros.rate(None)


def test_a_templates_globals_are_its_own_and_the_environments_as_they_are_now() -> None:
    """jinja2 compares the globals' names at each import: a template's globals list its own
    and the environment's, including those set after it was loaded."""
    from collections import ChainMap

    from gongkai.render.environment import environment

    env = environment()
    template = env.from_string("{{ x }}", globals={"own": 1})
    env.globals["later"] = 2
    assert set(template.globals.keys()) == set(ChainMap(*template.globals.maps))
    assert {"own", "later", "amount_cell"} <= template.globals.keys()
