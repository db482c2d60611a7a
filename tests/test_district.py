"""Browsing a district (issue 27), as far as built: the year page's table of departments, its
totals and changes against hand arithmetic."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import copy_project, mkdocs_build
from test_site import caption, soup, table_rows, text_of

REGISTRY = """departments:
  - slug: jiaoyu
    name: 示例区教育局
    short_name: 区教育局
  - slug: minzheng
    name: 示例区民政局
  - slug: sifa
    name: 示例区司法局
"""


def _report(name: str, year: int, initial: int, executed: int | None) -> dict[str, Any]:
    line: dict[str, Any] = {"year": year, "initial": initial}
    if executed is not None:
        line["executed"] = executed
    return {"name": name, "budget": [line]}


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("district") / "project")
    data = project / "data"
    for path in data.iterdir():
        if path.is_dir():
            for child in sorted(path.rglob("*"), reverse=True):
                child.unlink() if child.is_file() else child.rmdir()
            path.rmdir()
    (data / "publication-records.json").unlink()
    (data / "departments.yml").write_text(REGISTRY, encoding="utf-8")
    reports = [
        ("jiaoyu", _report("校舍维修", 2022, 100000, 100000)),
        ("jiaoyu", _report("校舍维修", 2023, 200000, 180000)),
        ("jiaoyu", _report("教师培训", 2023, 50000, 50000)),
        ("minzheng", _report("困难群众救助", 2023, 300000, 240000)),
        ("sifa", _report("法律援助", 2022, 40000, 40000)),
        ("sifa", _report("人民调解", 2023, 60000, None)),  # no 实际执行: no change claimed
    ]
    for number, (department, report) in enumerate(reports):
        year = report["budget"][0]["year"]
        folder = data / str(year) / department
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"r{number}.yml").write_text(
            yaml.safe_dump(report, allow_unicode=True), encoding="utf-8"
        )
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_the_year_page_leads_with_its_departments(district: Path) -> None:
    page = soup(district, "2023/index.html")
    rows = table_rows(caption(page, "2023年度各部门项目合计"))
    # By 全年预算: 民政 30 万, 教育 20 + 5 = 25 万, 司法 6 万.
    assert rows == [
        ["部门", "项目数", "全年预算", "实际执行", "执行率", "实际执行较上年"],
        # 24 / 30 = 80.00 %; no 2022 projects: nothing to compare with.
        ["示例区民政局", "1", "30.00", "24.00", "80.00%", "无从比较"],
        # (18 + 5) / 25 = 92.00 %; 23 万 on 2022's 10 万: +130.00 %.
        ["区教育局", "2", "25.00", "23.00", "92.00%", "+130.00%"],
        # Its one project has no 实际执行: nothing summed (no 0.00 shown), no change.
        [
            "示例区司法局",
            "1（计入0）",
            "没有同时写明全年预算和实际执行的项目，不作合计",
            "无从比较",
        ],
    ]
    link = caption(page, "2023年度各部门项目合计").find("a", string="区教育局")
    assert link["href"].endswith("bumen/jiaoyu/#y2023")


def test_a_year_with_nothing_to_add_says_so_instead_of_zero(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    folder = project / "data/2024/xiqu-xinfangju"
    folder.mkdir(parents=True)
    (folder / "r.yml").write_text(
        yaml.safe_dump(_report("信访接待", 2024, 60000, None), allow_unicode=True),
        encoding="utf-8",
    )
    assert mkdocs_build(project, project / "site").returncode == 0
    page = soup(project / "site", "2024/index.html")
    lead = page.select_one(".gk-lead").get_text()
    assert "没有同时写明全年预算和实际执行的项目，不作合计。" in lead and "0.00" not in lead
    total = table_rows(caption(page, "2024年度项目预算执行情况"))[-1]
    # The last cell is the 执行较上年 column, which a total leaves empty.
    assert total == ["合计（1个项目中的0个）", "没有同时写明全年预算和实际执行的项目，不作合计", ""]


def test_the_year_page_answers_the_readers_questions_in_short_lists(district: Path) -> None:
    page = soup(district, "2023/index.html")

    def items(anchor: str) -> list[str]:
        heading = page.find(id=anchor)
        return [li.get_text("", strip=True) for li in heading.find_next("ol").find_all("li")]

    assert items("zuida") == [
        "困难群众救助（示例区民政局）：30.00 万元",
        "校舍维修（区教育局）：20.00 万元",
        "人民调解（示例区司法局）：6.00 万元",
        "教师培训（区教育局）：5.00 万元",
    ]
    # 校舍维修: 18 万 on 10 万 the year before, +8 万 (+80.00 %); no other project has both years.
    assert items("zengjia") == ["校舍维修（区教育局）：+8.00 万元（+80.00%）"]
    assert page.find(id="jianshao") is None  # nothing fell: no empty list
    # 困难群众救助 spent 24 of 30 万, exactly 80.00 %: not "under 80 %".
    assert page.find(id="dixu") is None and page.find(id="chaochu") is None


def test_a_short_list_stays_short_and_says_how_many(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    folder = project / "data/2024/xiqu-xinfangju"
    folder.mkdir(parents=True)
    for number in range(12):  # 全年预算 1 to 12 万元; each spends half: 50.00 %
        budget = 10000 * (number + 1)
        (folder / f"p{number:02d}.yml").write_text(
            yaml.safe_dump(
                _report(f"第{number + 1}号项目", 2024, budget, budget // 2), allow_unicode=True
            ),
            encoding="utf-8",
        )
    assert mkdocs_build(project, project / "site").returncode == 0
    page = soup(project / "site", "2024/index.html")
    biggest = page.find(id="zuida").find_next("ol").find_all("li")
    assert [li.get_text("", strip=True) for li in biggest[:2]] == [
        "第12号项目：12.00 万元",
        "第11号项目：11.00 万元",
    ]
    assert len(biggest) == 10
    assert "共 12 个项目，以上为前 10 个" in page.find(id="zuida").find_next("p").get_text()
    under = page.find(id="dixu").find_next("ol").find_all("li")
    assert len(under) == 10 and under[0].get_text("", strip=True).endswith("：50.00%")


@pytest.fixture(scope="module")
def big_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample and 201 more projects in 2024: three pages of the year's list."""
    project = copy_project(tmp_path_factory.mktemp("big") / "project")
    folder = project / "data/2024/xiqu-xinfangju"
    folder.mkdir(parents=True)
    for number in range(201):  # 全年预算 1 to 201 千元, all spent
        budget = 1000 * (number + 1)
        (folder / f"p{number:03d}.yml").write_text(
            yaml.safe_dump(
                _report(f"第{number + 1}号项目", 2024, budget, budget), allow_unicode=True
            ),
            encoding="utf-8",
        )
    assert mkdocs_build(project, project / "site").returncode == 0
    return project / "site"


def test_a_big_year_lists_its_projects_on_pages_of_a_hundred(big_year: Path) -> None:
    year = soup(big_year, "2024/index.html")
    assert year.find("caption", string=lambda t: t and "年度项目预算执行情况" in t) is None
    pointer = text_of(year.find("a", string="第 3 页").find_parent("p"))
    assert pointer == "2024年度的201个项目按全年预算从大到小分3页列出：第1页·第2页·第3页。"
    names = []
    for number, path in enumerate(("liebiao/2024/", "liebiao/2024/2/", "liebiao/2024/3/"), 1):
        page = soup(big_year, path + "index.html")
        rows = table_rows(caption(page, f"2024年度项目预算执行情况（第{number}页）"))[1:]
        names += [r[0] for r in rows]
        nav = page.select_one("nav.gk-pages")
        assert nav.find("strong", attrs={"aria-current": "page"}).get_text() == f"第 {number} 页"
    assert len(names) == 201 and len(set(names)) == 201
    # The biggest first: 第201号项目 (20.10 万元) heads page 1, 第1号 ends page 3.
    assert names[0] == "第201号项目" and names[100] == "第101号项目" and names[-1] == "第1号项目"
    first = soup(big_year, "liebiao/2024/index.html")
    assert "列出第1至100个" in text_of(first.select_one(".gk-lead"))


def test_many_events_leave_the_timeliness_page_for_pages_of_their_year(big_year: Path) -> None:
    page = soup(big_year, "shixiao/index.html")
    assert page.select_one("table.gk-events") is None  # no event on the summary page
    summary = table_rows(caption(page, "各年度公开事项的时效"))
    assert [r[0] for r in summary[1:]] == ["2024年度", "2023年度", "合计"]
    links = {text_of(li) for li in page.find(id="gexiang").find_next("ul").find_all("li")}
    # 2024: 201 projects × 2 events = 402: five pages; 2023: 4 × 2 = 8: one page.
    assert links == {"2024年度：第1页·第2页·第3页·第4页·第5页", "2023年度：第1页"}
    keys = []
    for number in range(1, 6):
        path = "shixiao/2024/" + ("" if number == 1 else f"{number}/") + "index.html"
        events = soup(big_year, path)
        rows = table_rows(caption(events, f"2024年度各项目公开时效（第{number}页）"))[1:]
        keys += [(r[0], r[2]) for r in rows]
    assert len(keys) == 402 and len(set(keys)) == 402
    one = soup(big_year, "shixiao/2023/index.html")
    assert one.select_one("nav.gk-pages") is None  # a single page needs no page links


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_paged_lists_read_on_a_phone_with_no_axe_violation(
    browser: object, big_year: Path, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe
    from browsing import serve

    with serve(big_year) as url:
        page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        for path in (
            "2024/",
            "liebiao/2024/",
            "liebiao/2024/3/",
            "shixiao/",
            "shixiao/2024/2/",
            "",
        ):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            violations = Axe().run(page).response["violations"]
            assert violations == [], (
                path,
                [(v["id"], v["nodes"][0]["target"]) for v in violations],
            )
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        page.close()


def test_the_paged_pages_stay_small(big_year: Path) -> None:
    # 201 projects in a year: no page holds them all; the biggest page is a page of 100.
    sizes = {
        str(p.relative_to(big_year)): p.stat().st_size
        for p in big_year.rglob("*.html")
        if "search" not in p.parts
    }
    biggest = max(sizes, key=sizes.__getitem__)
    assert sizes[biggest] <= 200 * 1024, (biggest, sizes[biggest])
    assert sizes["2024/index.html"] < sizes["liebiao/2024/index.html"]
