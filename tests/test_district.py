"""Browsing a district (issue 27), as far as built: the year page's table of departments, its
totals and changes against hand arithmetic."""

from __future__ import annotations

import json
import re
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


def _marked_down(report: dict[str, Any]) -> dict[str, Any]:
    """A self-evaluation whose own scores fall short on two of three indicators."""
    report["performance"] = {
        "indicators": [
            {
                "level1": "产出指标",
                "name": "救助人次",
                "target": "≥500人次",
                "weight": 20,
                "score": 15,
            },
            {"level1": "效益指标", "name": "满意度", "target": "≥90%", "weight": 10, "score": 10},
            {
                "level1": "效益指标",
                "name": "发放及时率",
                "target": "100%",
                "weight": 10,
                "score": 9.5,
            },
        ]
    }
    return report


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
        ("minzheng", _marked_down(_report("困难群众救助", 2023, 300000, 240000))),
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
    # Its own scores: 20 − 15 = 5 and 10 − 9.5 = 0.5 lost, on two indicators; 满意度 full.
    assert items("koufen") == ["困难群众救助（示例区民政局）：2 项指标扣分，共扣 5.5 分"]


def _list_data(site: Path, name: str) -> dict[str, Any]:
    text = (site / "xiazai/liebiao" / f"{name}.js").read_text(encoding="utf-8")
    assert text.startswith("gkList(") and text.endswith(");\n")
    return json.loads(text[len("gkList(") : -len(");\n")])


def test_the_year_list_data_holds_every_project_exactly(district: Path) -> None:
    data = _list_data(district, "2023")
    departments = [name for _slug, name in data["departments"]]
    rows = {row[0][0]: row for row in data["rows"]}
    assert len(rows) == 4 and data["base"] == "2023/"
    # In the list's order: 全年预算 30, 20, 6, 5 万 (amounts in 分).
    assert [row[0][0] for row in data["rows"]] == [
        "困难群众救助",
        "校舍维修",
        "人民调解",
        "教师培训",
    ]
    school = rows["校舍维修"]
    assert departments[school[1]] == "区教育局"
    assert school[2] == 4  # bits of 绩效目标表, 自评表, 自评报告: a 自评报告 only
    # 20 万 budget, 18 万 spent: 90.00 % (9000 hundredths); +8 万 on 2022's 10 万: +80.00 %.
    assert school[3:] == [20_000_000, 18_000_000, 9000, [8_000_000, 8000]]
    # No 实际执行: no rate (the pages' words), no change.
    assert rows["人民调解"][3:] == [6_000_000, None, "无执行数", None]
    # No 2022 figures for 困难群众救助: nothing to compare with.
    assert rows["困难群众救助"][5:] == [8000, None]
    # The page without script shows the same rows, in the same order.
    page = soup(district, "liebiao/2023/index.html")
    shown = table_rows(caption(page, "2023年度全部项目"))[1:]
    assert [r[0] for r in shown] == [row[0][0] for row in data["rows"]]
    assert shown[1] == [
        "校舍维修",
        "区教育局",
        "自评报告",
        "20.00",
        "18.00",
        "90.00%",
        "+8.00万元+80.00%",
    ]


def test_the_list_of_all_projects_is_a_paged_list_too(district: Path) -> None:
    data = _list_data(district, "quanbu")
    by_name = {row[0][0]: row for row in data["rows"]}
    # 校舍维修 is one project of two years, newest first; its newest year's figures.
    assert by_name["校舍维修"][3] == [2023, 2022] and by_name["校舍维修"][4:] == [20_000_000, 9000]
    assert by_name["法律援助"][3] == [2022] and by_name["法律援助"][4:] == [4_000_000, 10000]
    page = soup(district, "xiangmu/index.html")
    rows = table_rows(caption(page, "全部项目及其报告年度"))[1:]
    assert sorted(r[0] for r in rows) == sorted(by_name)
    school = next(r for r in rows if r[0] == "校舍维修")
    assert school == ["校舍维修", "区教育局", "自评报告", "2023、2022", "20.00", "90.00%"]


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
    pointer = text_of(year.find(id="xiangmu").find_next("a", string="2024年度全部项目").parent)
    assert pointer == (
        "2024年度的201个项目，见2024年度全部项目：按全年预算从大到小分3页列出，"
        "可按任一列排序，并按部门、文件、名称、金额和执行率筛选。"
    )
    names = []
    for number, path in enumerate(("liebiao/2024/", "liebiao/2024/2/", "liebiao/2024/3/"), 1):
        page = soup(big_year, path + "index.html")
        rows = table_rows(caption(page, "2024年度全部项目（金额单位：万元）"))[1:]
        names += [r[0] for r in rows]
        nav = page.select_one("nav.gk-pages")
        assert nav.find("strong", attrs={"aria-current": "page"}).get_text() == f"第 {number} 页"
    assert len(names) == 201 and len(set(names)) == 201
    # The biggest first: 第201号项目 (20.10 万元) heads page 1, 第1号 ends page 3.
    assert names[0] == "第201号项目" and names[100] == "第101号项目" and names[-1] == "第1号项目"
    first = soup(big_year, "liebiao/2024/index.html")
    assert "列出第1至100个" in text_of(first.select_one(".gk-list-plain"))


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
        rows = table_rows(caption(events, "2024年度各项目公开时效"))[1:]
        keys += [(r[0], r[2]) for r in rows]
    assert len(keys) == 402 and len(set(keys)) == 402
    one = soup(big_year, "shixiao/2023/index.html")
    assert one.select_one("nav.gk-pages") is None  # a single page needs no page links


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_paged_lists_read_on_a_phone_with_no_axe_violation(
    browser: object, big_year: Path, width: int
) -> None:
    from browsing import Requests, assert_readable, serve

    with serve(big_year) as url:
        page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
        requests = Requests(page)
        for path in (
            "2024/",
            "liebiao/2024/",
            "liebiao/2024/3/",
            "shixiao/",
            "shixiao/2024/2/",
            "",
        ):
            page.goto(url + path)
            requests.settle()
            assert_readable(page, path)
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


@pytest.mark.browser
def test_the_list_sorts_and_filters_from_a_folder_on_disk(
    browser: object, tmp_path_factory: pytest.TempPathFactory, big_year: Path
) -> None:
    # The same project as big_year, built for opening from disk (pages as .html files).
    project = big_year.parent
    offline = tmp_path_factory.mktemp("offline") / "site"
    result = mkdocs_build(project, offline, env={"GONGKAI_OFFLINE": "1"})
    assert result.returncode == 0, result.stderr
    page = browser.new_page()  # type: ignore[attr-defined]
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((offline / "liebiao/2024/index.html").as_uri() + "#mc=第20&px=3a")
    page.wait_for_selector("[data-gk-ready]")
    # 第20号项目 and 第200号 (2.00 and 20.00 万元), the smaller first; 第201号 too (20.10).
    names = page.eval_on_selector_all(
        ".gk-list tbody th a", "links => links.map(a => a.textContent)"
    )
    assert names == ["第20号项目", "第200号项目", "第201号项目"]
    assert "符合筛选条件的项目 3 个（共 201 个）" in page.inner_text(".gk-list-status")
    page.click(".gk-list tbody th a >> nth=0")
    page.wait_for_url(re.compile(r"/2024/.+\.html$"))
    assert page.url.startswith((offline / "2024").as_uri()) and page.url.endswith(".html")
    assert page.locator("h1").first.inner_text().startswith("第20号项目")
    # Nothing fails (Material's own search index, which it could not load from disk, is no
    # longer asked for).
    assert errors == []
    page.close()


def test_the_list_of_all_projects_takes_pages_of_a_hundred(big_year: Path) -> None:
    names = []
    for number, path in enumerate(("xiangmu/", "liebiao/xiangmu/2/", "liebiao/xiangmu/3/"), 1):
        page = soup(big_year, path + "index.html")
        names += [r[0] for r in table_rows(caption(page, "全部项目及其报告年度"))[1:]]
        current = page.select_one("nav.gk-pages strong[aria-current=page]")
        assert current.get_text() == f"第 {number} 页"
    # The sample's four projects and the 201 of 2024, each once, in the order of their 网址名.
    assert len(names) == 205 and len(set(names)) == 205
    data = _list_data(big_year, "quanbu")
    assert [row[0][0] for row in data["rows"]] == names
    assert [row[0][1] for row in data["rows"]] == sorted(row[0][1] for row in data["rows"])


def test_an_edit_rewrites_the_lists_it_shows_in_and_no_other(
    district: Path, tmp_path: Path
) -> None:
    from gongkai.outputs.listing import write_lists
    from gongkai.settings import load_settings
    from gongkai.site import load_site

    site = load_site(load_settings({}, district.parent, environ={}))
    write_lists(site, tmp_path, {"2022"})  # a 2022 report changed (not the all-projects list)
    # 2022's list and its events, and 2023's list, whose 执行较上年 is reckoned on 2022.
    assert sorted(p.name for p in (tmp_path / "xiazai/liebiao").iterdir()) == [
        "2022.js",
        "2023.js",
        "shixiao-2022.js",
    ]
    write_lists(site, tmp_path / "all", None)
    names = sorted(p.name for p in (tmp_path / "all/xiazai/liebiao").iterdir())
    assert names == ["2022.js", "2023.js", "quanbu.js", "shixiao-2022.js", "shixiao-2023.js"]
    assert (tmp_path / "all/xiazai/liebiao/2023.js").read_bytes() == (
        district / "xiazai/liebiao/2023.js"
    ).read_bytes()
