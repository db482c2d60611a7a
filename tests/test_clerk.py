"""The clerk's side of issue 15 done so far: Chinese command help and errors, check's warnings
about a missing site_url and mostly blank reports, no internal paths on public pages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import copy_project, mkdocs_build, run_cli

from gongkai.commands.cli import parser


def test_the_help_is_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    text = parser().format_help()
    assert text.startswith("用法：gongkai") and "选项" in text and "显示本帮助并退出" in text
    assert "positional arguments" not in text and "options:" not in text and "usage:" not in text
    with pytest.raises(SystemExit) as raised:
        parser().parse_args(["check", "--bogus"])
    assert raised.value.code == 2
    assert "gongkai：错误：无法识别的参数：--bogus" in capsys.readouterr().err


def test_every_command_help_says_usage_once() -> None:
    main = parser()
    commands = next(a for a in main._actions if a.dest == "command")
    assert set(commands.choices) >= {"check", "import", "serve", "new", "publish"}
    for name, sub in commands.choices.items():
        text = sub.format_help()
        assert text.startswith(f"用法：gongkai {name} "), name
        assert text.count("用法：") == 1, name


def test_check_warns_about_site_url_and_a_blank_report(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    created = run_cli(project, "new", "空白项目", "--year", "2023")
    assert created.returncode == 0, created.stderr
    result = run_cli(project, "check")
    assert result.returncode == 0
    assert "site_url（网站的完整地址）未填写" in result.stdout
    assert (
        "data/2023/xiqu-xinfangju/kongbai-xiangmu.yml：报告的 17 个部分只填写了 1 个"
        in result.stdout
    )
    strict = run_cli(project, "check", "--strict")
    assert strict.returncode == 4 and "只填写了 1 个" in strict.stderr


def test_public_pages_show_no_data_file_path(built_site: Path, tmp_path: Path) -> None:
    page = (built_site / "2023/baoan-feiyong/index.html").read_text(encoding="utf-8")
    assert "data/2023/" not in page and "数据文件：" not in page
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace(
        "  gongkai:\n", "  gongkai:\n    audit_page: true\n"
    )
    config.write_text(text, encoding="utf-8")
    site = tmp_path / "internal"
    assert mkdocs_build(project, site).returncode == 0
    internal = (site / "2023/baoan-feiyong/index.html").read_text(encoding="utf-8")
    assert "data/2023/xiqu-xinfangju/baoan-feiyong.yml" in internal


def test_a_department_without_reports_gets_no_page_or_link(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    listing = project / "data/departments.yml"
    listing.write_text(
        listing.read_text(encoding="utf-8")
        + "  - slug: xiqu-weijianju\n    name: 攀枝花市西区卫健局\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    assert not (site / "bumen/xiqu-weijianju").exists()  # an empty column is an inspection fault
    for page in ("index.html", "bumen/index.html"):
        assert "卫健局" not in (site / page).read_text(encoding="utf-8")


def _footer(site: Path, page: str = "index.html") -> str:
    from bs4 import BeautifulSoup

    html = (site / page).read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser").select_one("footer .gk-portal").decode_contents()


def test_the_portal_footer_shows_what_is_set_and_nothing_else(
    built_site: Path, tmp_path: Path
) -> None:
    # The sample sets none of it: the footer invents nothing.
    assert "主办单位" not in _footer(built_site) and "纠错" not in _footer(built_site)
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    portal = (
        "    portal:\n"
        "      organizer: 攀枝花市西区人民政府办公室\n"
        "      icp: 蜀ICP备12345678号\n"
        '      contact: "<script>alert(1)</script> 0812-1234567"\n'
        "      error_report_url: https://www.example.gov.cn/jiucuo/\n"
    )
    config.write_text(
        config.read_text(encoding="utf-8").replace("  gongkai:\n", "  gongkai:\n" + portal, 1),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    for page in ("index.html", "2023/baoan-feiyong/index.html", "about/index.html"):
        footer = _footer(site, page)
        assert "主办单位：攀枝花市西区人民政府办公室" in footer and "蜀ICP备12345678号" in footer
        assert 'href="https://www.example.gov.cn/jiucuo/"' in footer and "我要纠错" in footer
        assert "<script>" not in footer and "&lt;script&gt;" in footer
        assert "网站标识码" not in footer and "公网安" not in footer  # not set, not shown


def test_a_footer_link_that_runs_code_is_refused(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    portal = "    portal:\n      error_report_url: javascript:alert(1)\n"
    config.write_text(
        config.read_text(encoding="utf-8").replace("  gongkai:\n", "  gongkai:\n" + portal, 1),
        encoding="utf-8",
    )
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert "extra.gongkai.portal.error_report_url：应为网址" in result.stderr


def test_the_404_page_is_in_chinese(built_site: Path) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((built_site / "404.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("article h1").get_text() == "页面不存在（404）"
    assert page.find("a", string="返回首页")["href"] == "/"
    assert "Not found" not in page.get_text()


def test_every_page_says_where_it_is(built_site: Path) -> None:
    from bs4 import BeautifulSoup

    def trail(page: str) -> list[tuple[str, str | None]]:
        html = (built_site / page).read_text(encoding="utf-8")
        nav = BeautifulSoup(html, "html.parser").select_one(
            'nav.gk-breadcrumb[aria-label="当前位置"]'
        )
        return [(a.get_text(), a.get("href")) for a in nav.select("a, span[aria-current]")]

    assert trail("2023/baoan-feiyong/index.html") == [
        ("首页", "../.."),
        ("2023年度", "../"),
        ("攀枝花市西区信访局", "../../bumen/xiqu-xinfangju/"),
        ("保安费用（2023年度）", None),
    ]
    assert trail("xiangmu/baoan-feiyong/index.html")[1] == ("全部项目", "../")
    assert trail("bumen/xiqu-xinfangju/index.html")[1] == ("公开部门", "../")
    assert trail("about/index.html") == [("首页", ".."), ("关于本站", None)]
    assert trail("index.html") == [("首页", None)]


@pytest.mark.parametrize("kind", ["自评表", "绩效目标表", "部门整体"])
def test_new_makes_a_form_skeleton_of_each_kind(tmp_path: Path, kind: str) -> None:
    project = copy_project(tmp_path / "project")
    made = run_cli(project, "new", f"新{kind}", "--year", "2023", "--kind", kind, "--slug", "xin")
    assert made.returncode == 0, made.stderr
    path = project / "data/2023/xiqu-xinfangju/xin.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["kind"] == kind and data["form"]["funds"][0]["label"] == "年度资金总额"
    if kind == "绩效目标表":
        assert "actual" not in path.read_text(encoding="utf-8").split("performance:")[1].replace(
            "# ", ""
        )
    check = run_cli(project, "check", "--strict")
    assert check.returncode == 4 and "只填写了" in check.stdout + check.stderr  # a blank form
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    assert (site / f"2023/{path.stem}/index.html").is_file()


@pytest.mark.parametrize("command", [("check",), ("publish", "--date", "2024-02-20")])
def test_a_fault_of_gongkai_itself_is_told_in_words_and_its_details_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    # A bug, not bad data: the clerk sees what happened to the files and where the details
    # are, not Python's traceback; the record holds the traceback for whoever fixes it.
    from gongkai.commands import cli

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("意外的状态 42")

    monkeypatch.setattr(cli, "load_site", broken)
    project = copy_project(tmp_path / "project")
    ran = run_cli(project, *command)
    assert ran.returncode == cli.EXIT_FAULT
    assert "Traceback" not in ran.stderr + ran.stdout
    assert "gongkai 程序出错，命令没有完成（RuntimeError: 意外的状态 42）" in ran.stderr
    assert "不是数据的问题" in ran.stderr and "已写入的文件都是完整的" in ran.stderr
    (record,) = project.glob("gongkai-出错记录-*.txt")
    assert str(record.resolve()) in ran.stderr
    kept = record.read_text(encoding="utf-8")
    assert kept.startswith("Traceback (most recent call last)")
    assert "RuntimeError: 意外的状态 42" in kept and "broken" in kept


def test_an_archived_years_build_that_crashed_is_told_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.commands import archive

    monkeypatch.chdir(tmp_path)  # where the record is kept

    class Crashed:
        def wait(self) -> int:
            return 1

    site = tmp_path / "version"
    site.with_suffix(".log").write_text(
        'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
        "KeyError: 'gk'\n",
        encoding="utf-8",
    )
    with pytest.raises(archive.ArchiveError) as raised:
        archive._wait([(Crashed(), site)])  # type: ignore[list-item]
    told = str(raised.value)
    assert told.startswith("生成归档版本的网站时，gongkai 程序出错，命令没有完成（KeyError: 'gk'）")
    assert "Traceback" not in told
    record = Path(told.split("详细情况已存入 ")[1].split("，")[0])
    assert record.parent == tmp_path.resolve()
    assert record.read_text(encoding="utf-8").startswith("Traceback")
