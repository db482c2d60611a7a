"""The built site, checked on its HTML: every value of the sample data on its page, figures
computed right, tables laid out like the official form, text escaped, failures harmless."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import SAMPLE, copy_project, fingerprint, mkdocs_build

ZHUJING = "2023/zhujing-zhurong-xinfang-weiwen-jingfei/index.html"


def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def text_of(node: Tag) -> str:
    return re.sub(r"\s+", "", node.get_text())


def table_rows(table: Tag) -> list[list[str]]:
    return [[text_of(c) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]


def caption(page: BeautifulSoup, starts: str) -> Tag:
    for table in page.find_all("table"):
        if table.caption and text_of(table.caption).startswith(starts):
            return table
    raise AssertionError(f"no table captioned {starts}")


def scalars(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in scalars(v)]
    if isinstance(value, list):
        return [s for v in value for s in scalars(v)]
    return [value]


@pytest.mark.parametrize("source", sorted(SAMPLE.glob("*.yml")), ids=lambda p: p.stem)
def test_every_value_of_a_report_is_on_its_page(built_site: Path, source: Path) -> None:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    page = soup(built_site, f"2023/{source.stem}/index.html")
    main = page.find("article")
    shown = text_of(main)
    # An original is on the page as its title and a link to the file itself, byte for byte.
    for attachment in data.pop("attachments", []):
        assert re.sub(r"\s+", "", attachment["title"]) in shown
        name = Path(attachment["file"]).name
        link = main.find("a", href=lambda h, name=name: h is not None and h.endswith(name))
        copy = (built_site / f"2023/{source.stem}/index.html").parent / link["href"]
        original = source.parent / attachment["file"]
        assert copy.read_bytes() == original.read_bytes()
        assert hashlib.sha256(original.read_bytes()).hexdigest() in shown
    times = {t["datetime"] for t in main.find_all("time")}
    for value in scalars(data):
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
            assert value in times, value
        elif isinstance(value, str):
            assert re.sub(r"\s+", "", value) in shown, value
        elif isinstance(value, int) and value > 3000:  # an amount: exact yuan in the details
            assert f"{value:,}" in shown, value
        else:
            assert str(value) in shown, value


def test_sample_pages_exist(built_site: Path) -> None:
    for page in [
        "index.html",
        "2023/index.html",
        "xiangmu/index.html",
        "bumen/xiqu-xinfangju/index.html",
        "bumen/index.html",
        "xiangmu/baoan-feiyong/index.html",
        "2023/baoan-feiyong/index.html",
        "2023/jiefang-feiyong/index.html",
        "2023/maodun-huajie-he-yinan-xinfang-wenti-feiyong/index.html",
        ZHUJING,
        "about/index.html",
        "shuju-geshi/index.html",
    ]:
        assert (built_site / page).is_file(), page


def test_budget_trend_is_computed_from_the_figures(built_site: Path) -> None:
    page = soup(built_site, ZHUJING)
    rows = table_rows(caption(page, "驻京驻蓉信访维稳经费历年预算执行（金额单位：万元）"))
    # By priority (what a phone shows first), then the parts; no 调减 in any year: no column.
    assert rows[0] == [
        "年度",
        "全年预算",
        "实际执行",
        "执行率",
        "执行较上年",
        "全年预算较上年",
        "年初预算",
        "追加",
        "报告所述变化",
    ]
    assert rows[1] == [
        "2022",
        "5.00",
        "5.00",
        "100.00%",
        "无从比较",
        "无从比较",
        "5.00",
        "无",
        "报告未写明",
    ]
    # 5万 + 追加10万 = 15万, executed 15万: +200 %, beside the report's own "+66%".
    assert rows[2] == [
        "2023",
        "15.00",
        "15.00",
        "100.00%",
        "+10.00万元+200.00%",
        "+10.00万元+200.00%",
        "5.00",
        "10.00",
        "较上年增长66%与金额不符",
    ]
    # The contradiction is spelt out under the table.
    note = page.select_one(".gk-flag-note").get_text(strip=True)
    assert "报告称“较上年增长66%”" in note and "+10.00 万元（+200.00%）" in note
    exact = table_rows(caption(page, "驻京驻蓉信访维稳经费历年预算执行（单位：元"))
    assert exact[2] == ["2023", "50,000", "100,000", "150,000", "150,000"]
    baoan = table_rows(
        caption(soup(built_site, "2023/baoan-feiyong/index.html"), "保安费用历年预算执行（金额")
    )
    assert baoan[0] == [
        "年度",
        "全年预算",
        "实际执行",
        "执行率",
        "执行较上年",
        "全年预算较上年",
        "年初预算",
        "报告所述变化",
    ]
    amount = page.find("data", attrs={"value": "150000"})
    assert amount is not None and amount.get("title") == "150,000 元"


def test_indicator_table_is_laid_out_like_the_form(built_site: Path) -> None:
    page = soup(built_site, "2023/baoan-feiyong/index.html")
    table = caption(page, "攀枝花市西区区级保安费用绩效目标表")
    head = table.thead.find_all("tr")
    assert [text_of(c) for c in head[0].find_all("th")] == ["绩效指标", "指标值"]
    assert head[0].th["colspan"] == "3" and head[0].th["scope"] == "colgroup"
    assert [c["scope"] for c in head[1].find_all("th")] == ["col", "col", "col"]
    bodies = table.find_all("tbody")
    assert len(bodies) == 3  # 完成指标, 效益指标, 满意度指标
    first = bodies[0].find("th", attrs={"scope": "rowgroup"})
    assert text_of(first) == "完成指标" and first["rowspan"] == "4"
    rows = table_rows(table)[2:]
    assert rows == [
        ["完成指标", "数量指标", "保障全年保安的经费", "报告未写明"],
        ["质量指标", "确保信访安保工作质量", "报告未写明"],
        ["时效指标", "报告未写明", "全年"],
        ["成本指标", "报告未写明", "80000"],
        ["效益指标", "社会效益指标", "信访工作顺利开展", "报告未写明"],
        ["满意度指标", "服务对象满意度指标", "报告未写明", "满意"],
    ]
    note = text_of(page.find("article"))
    assert "以下各列报告均未写明：指标性质、度量单位、完成值、权重、得分、未完成原因分析。" in note


def test_year_and_home_totals(built_site: Path) -> None:
    home = soup(built_site, "index.html")
    # The home page is the way in: the year's totals and its biggest projects, not its table.
    summary = text_of(home.find(id="zuixin").find_next("p"))
    assert (
        summary
        == "2023年度共公开4个项目，全年预算合计33.00万元，实际执行33.00万元，执行率100.00%。"
    )
    biggest = [text_of(li) for li in home.find(id="zuida").find_next("ol").find_all("li")]
    assert biggest[0] == "驻京驻蓉信访维稳经费：15.00万元" and len(biggest) == 4
    assert home.find("caption", string=lambda t: t and "项目预算执行情况" in t) is None
    for page_name in ("2023/index.html",):
        page = soup(built_site, page_name)
        table = caption(page, "2023年度项目预算执行情况")
        rows = table_rows(table)
        assert len(rows) == 1 + 4 + 1
        assert rows[-1][:4] == ["合计（4个项目）", "33.00", "33.00", "100.00%"]
        names = [r[0] for r in rows[1:-1]]
        assert "驻京驻蓉信访维稳经费" in names
        link = table.find("a", string="保安费用")
        target = (built_site / Path(page_name).parent / link["href"] / "index.html").resolve()
        assert target == (built_site / "2023/baoan-feiyong/index.html").resolve()
    year = soup(built_site, "2023/index.html")
    rows = table_rows(caption(year, "2023年度项目预算执行情况"))
    zhujing = next(r for r in rows if r[0] == "驻京驻蓉信访维稳经费")
    assert zhujing[-1] == "+200.00%"  # 执行较上年, from the 2022 figures in the report


def test_disclosure_facts_and_month_precision(built_site: Path) -> None:
    text = text_of(soup(built_site, "2023/baoan-feiyong/index.html").find("article"))
    assert (
        "绩效目标批复2023年2月" in text
        and "绩效目标公开2023年3月" in text
        and "申报2022年12月" in text
    )
    rows = table_rows(caption(soup(built_site, "2023/baoan-feiyong/index.html"), "公开时效"))
    assert rows[1:] == [
        ["绩效目标", "2023年2月", "无法确定", "2023年3月", "无法核实（日期只精确到月）"]
    ]
    # An event without any date is one plain sentence, not a row of "not filled in".
    assert "自评报告的批复日期和公开日期报告中没有写明，本站无法核实其是否按时公开。" in text


def test_navigation_does_not_list_projects(built_site: Path) -> None:
    page = soup(built_site, "2023/baoan-feiyong/index.html")
    nav = page.find("nav", class_="md-nav--primary")
    links = {a["href"] for a in nav.find_all("a", href=True)}
    assert not any("jiefang-feiyong" in href for href in links)
    # Nor years: a year's pages must read the same when later years are added (issue 28);
    # the home page lists the years.
    assert not any(href.rstrip("/").endswith("2023") for href in links)
    assert "../.." in links  # 首页


def test_table_of_contents_lists_the_sections(built_site: Path) -> None:
    page = soup(built_site, ZHUJING)
    toc = page.find("nav", class_="md-nav--secondary")
    labels = [text_of(a) for a in toc.find_all("a")]
    assert labels[:3] == ["预算安排与执行", "信息公开", "一、项目概况"]
    assert "四、项目绩效情况" in labels and "（三）相关建议" in labels


def test_no_outside_hosts_in_the_pages(built_site: Path) -> None:
    for html in built_site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', text):
            pytest.fail(f"{html.relative_to(built_site)} loads {url}")


INJECTION = (
    "<script>alert('x')</script><img src=x onerror=alert(1)>"
    "{{ 7*7 }}{% raw %}**粗体**[链接](javascript:alert(1))"
)


def test_text_from_yaml_cannot_inject_markup(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["overview"]["basic_info"].append(INJECTION)
    data["evaluation"]["problems"] = INJECTION
    data["performance"]["indicators"][0]["name"] = INJECTION
    data["budget"][1]["stated_change"] = INJECTION
    data["disclosure"]["channel"] = INJECTION
    data["name"] = '保安" onmouseover="alert(1)&amp费用'
    data["slug"] = "baoan-feiyong"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    html = (site / "2023/baoan-feiyong/index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    # Five fields, each shown once (the report gives no weights: no score table), the stated
    # change twice: in its table and in the note saying it cannot be checked.
    assert html.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") == 6
    assert html.count("{{ 7*7 }}{% raw %}**粗体**") == 6  # shown as typed, not evaluated
    assert 'href="javascript' not in html
    assert 'onmouseover="alert' not in html
    assert "<title>保安&quot; onmouseover=&quot;alert(1)&amp;amp费用（2023年度） - " in html


def test_a_data_error_leaves_the_built_site_untouched(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = fingerprint(site)
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip() == "executed: 80000")
    lines[index] = lines[index].replace("80000", "八万")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = mkdocs_build(project, site)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert (
        f"data/2023/xiqu-xinfangju/baoan-feiyong.yml 第{index + 1}行 budget[0].executed（实际执行）"
        in output
    )
    assert "Traceback" not in output
    assert fingerprint(site) == before


def test_amounts_in_pages_match_the_yaml_exactly(built_site: Path) -> None:
    for source in sorted(SAMPLE.glob("*.yml")):
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        page = soup(built_site, f"2023/{source.stem}/index.html")
        shown = {Decimal(d["value"]) for d in page.find_all("data")}
        for line in data["budget"]:
            for key in ("initial", "supplementary", "executed"):
                if key in line:
                    assert Decimal(line[key]) in shown, (source.name, line["year"], key)


def test_several_departments_and_years(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    data = project / "data"
    listing = data / "departments.yml"
    listing.write_text(
        listing.read_text(encoding="utf-8")
        + "  - slug: xiqu-caizhengju\n    name: 攀枝花市西区财政局\n    short_name: 西区财政局\n",
        encoding="utf-8",
    )
    later = data / "2024/xiqu-xinfangju/baoan-feiyong.yml"
    later.parent.mkdir(parents=True)
    later.write_text(
        "name: 保安费用\nbudget:\n  - year: 2023\n    initial: 80000\n    executed: 80000\n"
        "  - year: 2024\n    initial: 60000\n    reduction: 10000\n    executed: 45000\n",
        encoding="utf-8",
    )
    other = data / "2024/xiqu-caizhengju/kuaiji-fuwu.yml"
    other.parent.mkdir(parents=True)
    other.write_text(
        "name: 会计服务费\nbudget:\n  - year: 2024\n    initial: 30000\n    executed: 30000\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr

    across = soup(site, "xiangmu/baoan-feiyong/index.html")
    links = [a["href"] for a in across.find("article").find_all("a", href=True)]
    assert "../../2024/baoan-feiyong/" in links and "../../2023/baoan-feiyong/" in links
    rows = table_rows(caption(across, "保安费用历年预算执行（金额"))
    assert [r[0] for r in rows[1:]] == ["2022", "2023", "2024"]
    # 2024: 6万 − 调减1万 = 5万 budget, 4.5万 executed: 90 %, −43.75 % on 2023's 8万.
    assert rows[3] == [
        "2024",
        "5.00",
        "4.50",
        "90.00%",
        "-3.50万元-43.75%",
        "-3.00万元-37.50%",
        "6.00",
        "1.00",
        "报告未写明",
    ]

    page = soup(site, "2024/baoan-feiyong/index.html")
    other_years = page.find("nav", attrs={"aria-label": "本项目其他年度"})
    assert other_years.find("a")["href"] == "../../2023/baoan-feiyong/"

    home = soup(site, "index.html")
    table = caption(soup(site, "2024/index.html"), "2024年度项目预算执行情况")
    assert table_rows(table)[0] == [
        "项目名称",
        "部门",
        "全年预算",
        "实际执行",
        "执行率",
        "执行较上年",
    ]
    assert table_rows(table)[-1][-4:-1] == ["8.00", "7.50", "93.75%"]
    nav = home.find("nav", class_="md-nav--primary").get_text()
    assert "西区财政局" not in nav
    nav_links = [a["href"] for a in home.find("nav", class_="md-nav--primary").find_all("a")]
    assert not [h for h in nav_links if h.rstrip("/") in ("2024", "2023")]
    years = [text_of(a) for a in home.select("ul.gk-years a")]
    assert years == ["2024年度", "2023年度"]
    departments = table_rows(caption(soup(site, "bumen/index.html"), "公开部门及其报告"))
    assert [r[0] for r in departments[1:]] == ["攀枝花市西区信访局", "攀枝花市西区财政局"]
    assert departments[1][-1] == "2024、2023"
