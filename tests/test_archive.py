"""Yearly archives: reproducible builds, two frozen years in a git repository, a correction of
the older one that changes its pages only where it shows, drift without a correction refused,
the plain folder with a working version selector."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from browsing import open_page, serve
from bs4 import BeautifulSoup
from conftest import copy_project, fingerprint, mkdocs_build, run_cli

GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "测试",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}
OLD_REPORT = "data/2022/xiqu-xinfangju/baoan-feiyong.yml"


def test_two_builds_of_the_same_data_are_byte_identical(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"  # with a site_url, MkDocs writes dated sitemap entries
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'site_url: ""', 'site_url: "https://gongkai.example.invalid/"'
        ),
        encoding="utf-8",
    )
    env = {"SOURCE_DATE_EPOCH": "1706673600"}
    first, second = tmp_path / "one", tmp_path / "two"
    assert mkdocs_build(project, first, env=env).returncode == 0
    assert mkdocs_build(project, second, env=env).returncode == 0
    assert fingerprint(first) == fingerprint(second)
    assert "<lastmod>2024-01-31</lastmod>" in (first / "sitemap.xml").read_text(encoding="utf-8")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def add_old_year(root: Path) -> None:
    """The sample's 保安费用 as reported for 2022, so that there are two years to freeze."""
    report = root / OLD_REPORT
    report.parent.mkdir(parents=True)
    report.write_text(
        "name: 保安费用\nbudget:\n  - year: 2021\n    initial: 80000\n    executed: 78000\n"
        "  - year: 2022\n    initial: 80000\n    executed: 80000\n"
        "disclosure:\n  targets:\n    approved: 2022-02-10\n    published: 2022-02-25\n",
        encoding="utf-8",
    )


def commit_and_freeze(root: Path, days: tuple[tuple[int, str], ...]) -> None:
    """Put ``root`` under git and freeze each (year, day) in turn, as a department would."""
    (root / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "data")
    for year, day in days:
        result = run_cli(root, "freeze", str(year), "--date", day, env=GIT_ENV)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"已归档 {year}年度（归档日期 {day}）" in result.stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A department's repository with 2022 and 2023 data, both years frozen."""
    root = copy_project(tmp_path_factory.mktemp("archive") / "repo")
    add_old_year(root)
    commit_and_freeze(root, ((2022, "2022-12-31"), (2023, "2024-01-31")))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "freeze 2022 and 2023")
    return root


@pytest.fixture(scope="module")
def exported(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "site"
    result = run_cli(repo, "export", str(out), env=GIT_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "坏链接 0 个" in result.stdout
    return out


@pytest.mark.slow  # builds versions with mike
def test_export_is_a_plain_folder_with_versions(exported: Path) -> None:
    assert not [p for p in exported.rglob("*") if p.is_symlink()]
    versions = yaml.safe_load((exported / "versions.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["title"], v["aliases"]) for v in versions] == [
        ("2023", "归档版本：截至2023年度", ["latest"]),
        ("2022", "归档版本：截至2022年度", []),
    ]
    assert (exported / "latest/2023/baoan-feiyong/index.html").is_file()
    # Version 2022 is the site as frozen: no 2023 report in it.
    assert (exported / "2022/2022/baoan-feiyong/index.html").is_file()
    assert not (exported / "2022/2023").exists()
    redirect = (exported / "index.html").read_text(encoding="utf-8")
    assert "url=latest/" in redirect and "进入最新版本" in redirect
    assert "Redirecting" not in redirect


@pytest.mark.slow  # builds versions with mike
def test_manifest_records_data_and_pages(repo: Path) -> None:
    manifest = yaml.safe_load((repo / "archive/2022.json").read_text(encoding="utf-8"))
    assert manifest["frozen"] == "2022-12-31"
    assert list(manifest["data"]) == [OLD_REPORT]
    assert (
        manifest["data"][OLD_REPORT] == hashlib.sha256((repo / OLD_REPORT).read_bytes()).hexdigest()
    )
    assert "2022/baoan-feiyong/index.html" in manifest["pages"]


def article_without_figures(html: str) -> str:
    """The report page's text less what a corrected figure legitimately changes."""
    article = BeautifulSoup(html, "html.parser").find("article")
    for node in article.select(
        ".gk-summary, figure.gk-chart, details.gk-exact, table.gk-trend, table.gk-scores, .gk-score-reason, .gk-table:has(table.gk-corrections), .gk-dateline"
    ):
        node.decompose()
    for heading in article.select("h2#gengzheng"):
        heading.decompose()
    return article.get_text("\n", strip=True)


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_version_selector_switches_years(browser: object, exported: Path, width: int) -> None:
    with serve(exported) as url:
        page, outside, errors = open_page(browser, url, width)
        assert page.url.endswith("/latest/")  # type: ignore[attr-defined]
        page.goto(url + "2022/2022/baoan-feiyong/")  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        current = page.locator(".md-version__current")  # type: ignore[attr-defined]
        assert current.inner_text() == "归档版本：截至2022年度"
        page.locator(".md-version__link", has_text="截至2023年度").click(force=True)  # type: ignore[attr-defined]
        page.wait_for_url("**/2023/**")  # type: ignore[attr-defined]
        page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
        assert page.locator(".md-version__current").inner_text() == "归档版本：截至2023年度"  # type: ignore[attr-defined]
        assert outside == [] and errors == []
        page.close()  # type: ignore[attr-defined]


@pytest.mark.slow  # builds versions with mike
def test_correcting_a_frozen_year(repo: Path, exported: Path, tmp_path: Path) -> None:
    report = repo / OLD_REPORT
    original = report.read_text(encoding="utf-8")
    changed = original.replace(
        "  - year: 2022\n    initial: 80000\n    executed: 80000\n",
        "  - year: 2022\n    initial: 80000\n    executed: 85000\n",
    )
    assert changed != original

    # A change without a correction is caught by check and by the build.
    report.write_text(changed, encoding="utf-8")
    result = run_cli(repo, "check", env=GIT_ENV)
    assert result.returncode == 1
    assert (
        f"{OLD_REPORT} 第8行：2022年度已归档（2022-12-31），此文件被改动却没有新增更正记录"
        in result.stderr
    )
    assert mkdocs_build(repo, tmp_path / "refused").returncode != 0

    # With a correction entry the change is accepted and shown.
    report.write_text(
        changed
        + "corrections:\n  - date: 2024-05-06\n    field: budget[1].executed\n    old: 80000\n    new: 85000\n    reason: 补记年末支付的一笔费用\n",
        encoding="utf-8",
    )
    assert run_cli(repo, "check", env=GIT_ENV).returncode == 0
    result = run_cli(repo, "freeze", "2022", "--update", env=GIT_ENV)
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again"
    assert run_cli(repo, "export", str(again), env=GIT_ENV).returncode == 0

    before, after = fingerprint(exported), fingerprint(again)
    changed_files = {name for name in after if before.get(name) != after[name]}
    assert "2022/2022/baoan-feiyong/index.html" in changed_files
    assert "2023/2022/baoan-feiyong/index.html" in changed_files  # later versions show it too
    # Nothing about other projects changed.
    assert not [n for n in changed_files if n.endswith("index.html") and "jiefang" in n]
    old_page = (exported / "2022/2022/baoan-feiyong/index.html").read_text(encoding="utf-8")
    new_page = (again / "2022/2022/baoan-feiyong/index.html").read_text(encoding="utf-8")
    assert "更正说明" not in old_page and "更正说明" in new_page
    assert "补记年末支付的一笔费用" in new_page and "8.50" in new_page
    assert article_without_figures(old_page) == article_without_figures(new_page)
    feed = (again / "2022/feed.xml").read_text(encoding="utf-8")
    assert "更正：攀枝花市西区信访局 保安费用（2022年度）" in feed
    manifest = yaml.safe_load((repo / "archive/2022.json").read_text(encoding="utf-8"))
    assert manifest["frozen"] == "2022-12-31" and manifest["corrections"][OLD_REPORT] == 1


def test_a_failed_export_leaves_no_folder_behind(tmp_path: Path) -> None:
    """The export is made under a temporary name and renamed when whole: when it fails (here no
    archive branch), nothing is left where the web team looks, and no temporary folder either."""
    from gongkai.commands import archive as archiving

    (tmp_path / "project").mkdir()
    out = tmp_path / "导出"
    with pytest.raises(archiving.ArchiveError):
        archiving.export(tmp_path / "project", out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["project"]


def test_check_compares_the_records_with_the_archive_manifests(repo: Path, tmp_path: Path) -> None:
    """Freezing copies the year's publication records into its manifest; records restored
    from an old copy (an entry lost, a date changed) are found by check, which names the
    manifest and the value to put back. Records that agree give no alarm."""
    import json
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(repo, copy, symlinks=True)
    manifest = json.loads((copy / "archive/2023.json").read_text(encoding="utf-8"))
    ledger_path = copy / "data/publication-records.json"
    ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
    in_2023 = {k: dict(v) for k, v in ledger["records"].items() if k.startswith("2023/")}
    assert in_2023 and manifest["records"] == in_2023
    assert run_cli(copy, "check").returncode in (0, 3)  # agreeing records: no alarm

    lost, changed = sorted(in_2023)[:2]
    del ledger["records"][lost]
    ledger["records"][changed]["disclosure.index_number"] = "xiqu-xinfangju-2023-0099"
    ledger_path.write_text(json.dumps(ledger, ensure_ascii=False), encoding="utf-8")
    result = run_cli(copy, "check")
    said = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in said, said
    lost_values = in_2023[lost]
    assert "归档清单 archive/2023.json" in said
    assert f"记为 {lost_values['disclosure.index_number']}，公开记录里没有这一项" in said
    assert (
        f"记为 {in_2023[changed]['disclosure.index_number']}，公开记录里却是 xiqu-xinfangju-2023-0099"
        in said
    )
