"""A district-sized year (issue 27): 80 departments, about 1,500 projects a year, built from
``benchmarks/district.py``. The year's full list works without script (pages of a hundred)
and, in headless Chromium, sorts and filters over its data file with the state in the address;
every figure the script shows is the one the plain page shows. Slow: one build of two years."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, copy_project, mkdocs_build

from gongkai.commands.linkcheck import check_links

sys.path.insert(0, str(ROOT / "benchmarks"))
from district import write_district

pytestmark = [pytest.mark.slow, pytest.mark.browser]

YEAR = 2023


@pytest.fixture(scope="module")
def district_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("district") / "project")
    data = project / "data"
    for path in sorted(data.rglob("*"), reverse=True):  # the district's data only
        path.unlink() if path.is_file() else path.rmdir()
    written = write_district(data, years=(YEAR - 1, YEAR))
    assert 2800 < written < 3400, written
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def _data(site: Path) -> dict[str, Any]:
    text = (site / f"xiazai/liebiao/{YEAR}.js").read_text(encoding="utf-8")
    return json.loads(text[len("gkList(") : -len(");\n")])


def _cells(page: Any) -> list[list[str]]:
    """The shown rows: each cell's text, its exact amount (title) and its link, absolute."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.gk-list table tbody tr')).map(tr =>
            Array.from(tr.cells).map(c => {
              const d = c.querySelector('data'), a = c.querySelector('a');
              return [c.textContent.replace(/\\s+/g, ''), d ? d.title : '', a ? a.href : ''];
            }))"""
    )


def _server_cells(site: Path, path: str, url: str) -> list[list[str]]:
    html = BeautifulSoup((site / path / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = []
    for tr in html.select(".gk-list table tbody tr"):
        row = []
        for cell in tr.find_all(["th", "td"]):
            data, link = cell.find("data"), cell.find("a")
            row.append(
                [
                    re.sub(r"\s+", "", cell.get_text()),
                    data["title"] if data else "",
                    urljoin(url + path, link["href"]) if link else "",
                ]
            )
        rows.append(row)
    return rows


def _open(browser: Any, url: str, width: int = 1280, script: bool = True, height: int = 900) -> Any:
    """A page in a browser of its own; a list page is waited for until its script is ready."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, java_script_enabled=script
    )
    page = context.new_page()
    page.goto(url)
    if script and page.locator("[data-gk-list]").count():
        page.wait_for_selector("[data-gk-ready]")
    return page


def _status(page: Any) -> str:
    return page.inner_text(".gk-list-status")


def test_the_district_stays_within_its_sizes(district_site: Path) -> None:
    pages = {
        str(p.relative_to(district_site)): p.stat().st_size
        for p in district_site.rglob("*.html")
        if "search" not in p.parts
    }
    biggest = max(pages, key=pages.__getitem__)
    assert pages[biggest] <= 200 * 1024, (biggest, pages[biggest])
    for name in (str(YEAR), str(YEAR - 1), "quanbu"):
        size = (district_site / f"xiazai/liebiao/{name}.js").stat().st_size
        assert size <= 300 * 1024, (name, size)
    assert len(_data(district_site)["rows"]) > 1200


def test_a_districts_three_thousand_project_years_have_no_broken_link(
    district_site: Path,
) -> None:
    """Every link of every page of a district's two years leads somewhere (the sample's
    links are checked in test_hardening); a page per project-year is there."""
    reports = sum(1 for _ in (district_site.parent / "data").glob("20*/*/*.yml"))
    assert reports > 2800
    assert sum(1 for _ in district_site.glob("20*/*/index.html")) == reports
    assert check_links(district_site) == []


def _pages(site: Path, first: str, later: str) -> list[str]:
    """The plain pages of a list: its first page, then ``later`` with each number."""
    paths, number = [first], 2
    while (site / later.format(number) / "index.html").is_file():
        paths.append(later.format(number))
        number += 1
    return paths


@pytest.mark.parametrize(
    ("first", "later"),
    [
        (f"liebiao/{YEAR}/", f"liebiao/{YEAR}/{{}}/"),
        (f"shixiao/{YEAR}/", f"shixiao/{YEAR}/{{}}/"),
        ("xiangmu/", "liebiao/xiangmu/{}/"),
    ],
)
def test_the_script_shows_every_figure_as_the_plain_pages_do(
    browser: Any, district_site: Path, first: str, later: str
) -> None:
    from browsing import serve

    paths = _pages(district_site, first, later)
    assert len(paths) > 10
    with serve(district_site) as url:
        page = _open(browser, url + first)
        for number, path in enumerate(paths, 1):
            if number > 1:
                page.evaluate(f"location.hash = 'ye={number}'")
                page.wait_for_function(
                    "document.querySelector('.gk-list-status').textContent"
                    f".includes('本页为第 {number} 页')"
                )
            assert _cells(page) == _server_cells(district_site, path, url), path
        page.context.close()


def test_the_events_filter_by_department_and_event(browser: Any, district_site: Path) -> None:
    from browsing import serve

    data = _data(district_site)
    index = next(i for i, d in enumerate(data["departments"]) if d[0] == "bumen-05")
    reports = sum(1 for r in data["rows"] if r[1] == index)  # each report: one row here
    with serve(district_site) as url:
        page = _open(browser, url + f"shixiao/{YEAR}/#sx=绩效目标&bm=bumen-05")
        rows = _cells(page)
        # One 绩效目标 event for each of the department's reports; none of another event.
        assert len(rows) == reports and {r[2][0] for r in rows} == {"绩效目标"}
        assert {r[1][0] for r in rows} == {data["departments"][index][1]}
        assert f"符合筛选条件的公开事项 {reports} 项（共 {2 * len(data['rows'])} 项）" in _status(
            page
        )
        assert page.input_value("#gk-f-sx") == "绩效目标"
        page.context.close()


def test_sorting_by_a_header_button_keeps_the_order_in_the_address(
    browser: Any, district_site: Path
) -> None:
    from browsing import serve

    data = _data(district_site)
    rates = sorted(r[5] for r in data["rows"] if isinstance(r[5], int))
    with serve(district_site) as url:
        page = _open(browser, url + f"liebiao/{YEAR}/")
        header = page.locator("th", has=page.locator("button", has_text="执行率")).first
        assert header.get_attribute("aria-sort") is None
        # By keyboard: the header is a button.
        page.locator("button.gk-sort", has_text="执行率").focus()
        page.keyboard.press("Enter")
        _wait_sorted(page, "执行率", "descending")
        assert "px=5d" in page.evaluate("location.hash")
        shown = [c[5][0] for c in _cells(page)]
        assert shown[0] == f"{rates[-1] // 100:,}.{rates[-1] % 100:02d}%"
        page.locator("button.gk-sort", has_text="执行率").click()
        _wait_sorted(page, "执行率", "ascending")
        assert "px=5a" in page.evaluate("location.hash")
        first = _cells(page)[0][5][0]
        assert first == f"{rates[0] // 100:,}.{rates[0] % 100:02d}%"
        # Those without a rate come last, whichever the direction.
        page.goto(url + f"liebiao/{YEAR}/#px=5a&ye={-(-len(data['rows']) // 100)}")
        page.reload()
        page.wait_for_selector("[data-gk-ready]")
        assert _cells(page)[-1][5][0] in {"无执行数", "无预算数", "预算为零"}
        # Names sort by pinyin.
        page.locator("button.gk-sort", has_text="项目名称").click()
        _wait_sorted(page, "项目名称", "ascending")
        assert "px=0a" in page.evaluate("location.hash")
        names = [c[0][0] for c in _cells(page)]
        assert names == sorted(names, key=_pinyin)
        page.context.close()


def _wait_sorted(page: Any, label: str, direction: str) -> None:
    """Until the list is drawn in that order: the address changes first and the table is drawn
    on the change that follows, its header marked with the rows (reading the rows as soon as
    the address changed read the old order, once in the full suite)."""
    page.wait_for_function(
        """([label, direction]) => [...document.querySelectorAll('th[aria-sort]')].some(
             th => th.textContent.includes(label) && th.getAttribute('aria-sort') === direction)""",
        arg=[label, direction],
    )


def _pinyin(name: str) -> list[str]:
    from pypinyin import lazy_pinyin

    return lazy_pinyin(name)


def test_filters_narrow_the_list_and_a_filtered_view_can_be_shared(
    browser: Any, district_site: Path
) -> None:
    from browsing import serve

    data = _data(district_site)
    department = 3
    slug, short = data["departments"][department]
    mine = [r for r in data["rows"] if r[1] == department]
    # 全年预算 between 50 and 200 万元 and 执行率 at most 95 %, in this department.
    chosen = [
        r
        for r in mine
        if r[3] is not None
        and 50 * 1_000_000 <= r[3] <= 200 * 1_000_000
        and isinstance(r[5], int)
        and r[5] <= 9500
    ]
    assert chosen, "the generator's department has no such project"
    with serve(district_site) as url:
        page = _open(browser, url + f"liebiao/{YEAR}/")
        page.select_option("#gk-f-bm", slug)
        page.wait_for_function(f"location.hash.includes('bm={slug}')")
        assert f"符合筛选条件的项目 {len(mine)} 个" in _status(page)
        assert {c[1][0] for c in _cells(page)} == {short}
        page.fill("#gk-f-ys0", "50")
        page.fill("#gk-f-ys1", "200")
        page.fill("#gk-f-zx1", "95")
        page.click("form.gk-filter button[type=submit]")
        page.wait_for_function("location.hash.includes('zx=')")
        assert f"符合筛选条件的项目 {len(chosen)} 个" in _status(page)
        assert len(_cells(page)) == len(chosen)
        shared = page.url
        # The link opens the same view in a new browser, the form showing its filters.
        other = _open(browser, shared)
        assert _cells(other) == _cells(page)
        assert other.input_value("#gk-f-ys1") == "200" and other.input_value("#gk-f-bm") == slug
        other.context.close()
        # A name fragment; a word that is no number is said so, not silently used.
        page.click("form.gk-filter [data-gk-clear]")
        page.wait_for_function("!location.hash.includes('bm=')")
        fragment = mine[0][0][0][3:7]
        page.fill("#gk-f-mc", fragment)
        page.press("#gk-f-mc", "Enter")
        page.wait_for_function("location.hash.includes('mc=')")
        expected = [r for r in data["rows"] if fragment in r[0][0]]
        assert f"符合筛选条件的项目 {len(expected)} 个" in _status(page)
        page.fill("#gk-f-zx0", "八十")
        page.press("#gk-f-zx0", "Enter")
        page.wait_for_function(
            "document.querySelector('.gk-list-status').textContent.includes('不是数字')"
        )
        assert page.get_attribute("#gk-f-zx0", "aria-invalid") == "true"
        page.context.close()


def test_the_year_page_lists_lead_to_the_same_projects_in_the_full_list(
    browser: Any, district_site: Path
) -> None:
    from browsing import serve

    with serve(district_site) as url:
        page = _open(browser, url + f"{YEAR}/", 390)
        note = page.locator("#dixu ~ p.gk-note").first.inner_text()
        total = int(re.search(r"共 (\d+) 个项目", note).group(1))
        page.locator("#dixu ~ p.gk-note a").first.click()
        page.wait_for_selector("[data-gk-ready]")
        assert f"符合筛选条件的项目 {total} 个" in _status(page)
        page.context.close()


def test_without_script_the_list_is_plain_pages_of_a_hundred(
    browser: Any, district_site: Path
) -> None:
    from browsing import serve

    with serve(district_site) as url:
        page = _open(browser, url + f"liebiao/{YEAR}/2/", script=False)
        assert page.locator(".gk-list table tbody tr").count() == 100
        assert page.locator("form.gk-filter").count() == 0
        assert page.locator("nav.gk-pages strong").first.inner_text() == "第 2 页"
        assert page.locator(".gk-list-plain").is_visible()
        page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_list_reads_on_a_phone_and_a_desktop_with_no_axe_violation(
    browser: Any, district_site: Path, width: int
) -> None:
    from browsing import assert_readable, serve, settled_page

    with serve(district_site) as url:
        for path in (f"liebiao/{YEAR}/#bm=bumen-03&px=5a", "xiangmu/", f"{YEAR}/", ""):
            context = browser.new_context(viewport={"width": width, "height": 900})
            page, requests = settled_page(context)
            page.goto(url + path)
            requests.settle()
            assert_readable(page, path)
            context.close()


def test_a_citizen_on_a_phone_finds_what_they_ask_in_two_clicks(
    browser: Any, district_site: Path
) -> None:
    from browsing import serve

    with serve(district_site) as url:
        page = _open(browser, url, 390, height=844)
        # No click: the five biggest projects of the newest year, on the home page.
        biggest = page.locator("#zuida + ol li")
        assert biggest.count() == 5
        # One click: the departments that spent least of their budget.
        page.click(f"text={YEAR}年度各部门合计、排行与全部项目")
        page.wait_for_url(url + f"{YEAR}/")  # a click starts the navigation, need not end it
        lowest = page.locator("#bumen-dixu + ol li")
        assert lowest.count() == 10 and "%" in lowest.first.inner_text()
        # Two clicks: one's own department, from the folded list on the home page.
        page.goto(url)
        page.click("details.gk-fold > summary")
        page.click("details.gk-fold a >> text=区民政局")
        page.wait_for_url(lambda address: address != url)  # the department's page, not home
        assert page.locator("h1").first.inner_text() == "示例市示例区民政局"
        assert page.locator("#linian").count() == 1  # its totals by year come first
        page.context.close()
