"""Every optional part shown at once (issue 23): the portal footer fully filled, attachments, a
correction, a frozen year with its version selector, targets and self-evaluation of one
project-year, and a score table. On it, axe finds no violation of any impact on any kind of
page, at 390 and 1280 px, in standard, large-text and high-contrast modes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from browsing import axe_violations, serve, settled_page
from conftest import copy_project, run_cli
from test_archive import GIT_ENV, add_old_year, commit_and_freeze
from test_project_year import DEPT, TARGETS, ZHUJING
from test_site import text_of

PORTAL = (
    "    portal:\n"
    "      organizer: 攀枝花市西区人民政府办公室\n"
    "      contact: 0812-1234567\n"
    "      site_code: '5104020001'\n"
    "      icp: 蜀ICP备12345678号\n"
    "      police_record: 川公网安备51040202000123号\n"
    "      error_report_url: https://www.example.gov.cn/jiucuo/\n"
)

# A 自评表 with weights and scores: the page shows its score table beside the site's own.
SCORED_FORM: dict[str, Any] = {
    "name": "信访信息系统运行维护",
    "kind": "自评表",
    "title": "项目支出绩效自评表",
    "form": {
        "supervisor": "攀枝花市西区信访局",
        "implementer": "攀枝花市西区信访局",
        "unit_of_money": "万元",
        "funds": [
            {
                "label": "年度资金总额",
                "initial": 40000,
                "adjusted": 40000,
                "executed": 38000,
                "weight": 10,
                "rate": "95%",
                "score": 9.5,
            }
        ],
        "goals": [{"expected": "保障信访信息系统全年正常运行", "actual": "系统全年正常运行"}],
        "total_weight": 100,
    },
    "budget": [{"year": 2023, "initial": 40000, "executed": 38000}],
    "disclosure": {"self_evaluation": {"approved": "2024-05-10", "published": "2024-05-24"}},
    "performance": {
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "维护服务次数",
                "nature": "≥",
                "target": "12次",
                "actual": "12次",
                "weight": 30,
                "score": 30,
            },
            {
                "level1": "产出指标",
                "level2": "质量指标",
                "name": "系统正常运行率",
                "nature": "≥",
                "target": "98%",
                "actual": "99%",
                "weight": 30,
                "score": 30,
            },
            {
                "level1": "满意度指标",
                "level2": "服务对象满意度指标",
                "name": "使用人员满意度",
                "nature": "≥",
                "target": "90%",
                "actual": "95%",
                "weight": 30,
                "score": 30,
            },
        ]
    },
    "evaluation": {"total_score": 99.5, "grade": "优", "conclusion": "系统运行稳定。"},
}

# A department's whole spending: its 部门年度 page sets it beside the department's projects.
WHOLE: dict[str, Any] = {
    "name": "攀枝花市西区信访局部门整体支出",
    "kind": "部门整体",
    "title": "部门整体支出绩效自评报告",
    "budget": [{"year": 2023, "initial": 1850360, "executed": 1802110}],
    "disclosure": {"self_evaluation": {"approved": "2024-05-10", "published": "2024-05-27"}},
    "evaluation": {"conclusion": "部门整体支出绩效良好。", "total_score": 92, "grade": "优"},
}

CORRECTION = (
    "corrections:\n  - date: 2024-05-06\n    field: disclosure.targets.published\n"
    "    old: 2023-03\n    new: 2023-02\n    reason: 原记录月份有误，以政府信息公开网发布记录为准\n"
)

# One page of every kind, as the exported folder's newest version serves it.
PAGES = [
    "",
    "2023/",
    f"2023/{ZHUJING}/",  # a narrative report with attachments and its targets compared
    f"2023/{ZHUJING}-mubiao/",  # a 绩效目标表
    "2023/xinfang-xinxixitong-yunxing-weihu/",  # a 自评表 with its score table
    "2023/baoan-feiyong/",  # a correction
    f"xiangmu/{ZHUJING}/",
    "xiangmu/",
    "bumen/",
    "bumen/xiqu-xinfangju/",
    "shixiao/",
    "xiazai/",
    "about/",
    "shuju-geshi/",
    "bumen/xiqu-xinfangju/2023/",  # a department's year with its whole spending
    "404.html",  # for any address not found
    "2022/baoan-feiyong/",  # a frozen year's page, stored once for every version
    "banben/",  # the list of versions
    "banben/2022/",  # an older version's home, with the line that says which it is
    "banben/2022/xiangmu/baoan-feiyong/",
]
MODES = {"standard": {}, "large": {"gk-size": "large"}, "high": {"gk-contrast": "high"}}


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = copy_project(tmp_path_factory.mktemp("every") / "repo")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  gongkai:\n", "  gongkai:\n" + PORTAL, 1)
    text = text.replace("extra:\n", "copyright: 攀枝花市西区人民政府 版权所有\nextra:\n", 1)
    config.write_text(text, encoding="utf-8")
    add_old_year(root)
    for name, data in (
        ("zhujing-mubiao.yml", TARGETS),
        ("xitong.yml", SCORED_FORM),
        ("zhengti.yml", WHOLE),
    ):
        (root / DEPT / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    baoan = root / DEPT / "baoan-feiyong.yml"
    baoan.write_text(
        baoan.read_text(encoding="utf-8").replace(
            "    published: 2023-03\n", "    published: 2023-02\n"
        )
        + CORRECTION,
        encoding="utf-8",
    )
    commit_and_freeze(root, ((2022, "2022-12-31"), (2023, "2024-06-30")))
    out = root.parent / "export"
    result = run_cli(root, "export", str(out), env=GIT_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "坏链接 0 个" in result.stdout
    with serve(out) as url:
        yield url


@pytest.mark.slow  # freezes two years
def test_every_optional_part_is_on_the_pages(everything: str) -> None:
    import urllib.request

    def page(path: str) -> Any:
        with urllib.request.urlopen(everything + path) as response:
            html = response.read().decode("utf-8")
        from bs4 import BeautifulSoup

        return BeautifulSoup(html, "html.parser")

    missing = page("404.html")  # with the footer all the same
    assert "主办单位：攀枝花市西区人民政府办公室" in text_of(missing.find("footer"))
    home = page("")
    footer = text_of(home.select_one("footer .gk-portal"))
    for part in (
        "主办单位",
        "联系方式",
        "网站标识码",
        "蜀ICP备",
        "川公网安备",
        "我要纠错",
        "版权所有",
    ):
        assert part in footer, part
    assert page(f"2023/{ZHUJING}/").find(id="mubiao-duizhao") is not None
    assert page(f"2023/{ZHUJING}/").find(id="fujian") is not None
    assert page("2023/baoan-feiyong/").find("table", class_="gk-corrections") is not None
    assert page("2023/xinfang-xinxixitong-yunxing-weihu/").find("table", class_="gk-scores")
    versions = [v["title"] for v in json.loads(page("versions.json").get_text())]
    assert versions == ["截至2023年度", "截至2022年度"]


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("width", [390, 1280])
def test_axe_finds_nothing_with_every_part_shown(
    browser: object, everything: str, width: int, mode: str
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    for key, value in MODES[mode].items():  # as a reader who chose it on an earlier page
        context.add_init_script(f"localStorage.setItem('{key}', '{value}')")
    page, requests = settled_page(context)
    found = {}
    for path in PAGES:
        response = page.goto(everything + path)
        assert response is not None and response.ok, path
        requests.settle()
        chosen = page.evaluate(
            "[document.documentElement.dataset.gkSize, document.documentElement.dataset.gkContrast]"
        )
        assert chosen == [MODES[mode].get("gk-size"), MODES[mode].get("gk-contrast")]
        violations = axe_violations(page)
        if violations:
            found[path] = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in violations]
    context.close()
    assert found == {}
