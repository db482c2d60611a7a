"""Yearly archives (issue 28): reproducible builds; three frozen years in a git repository,
stored once each, with a version per year holding only its pages across years; a correction of
the first year that writes only the pages it changes and shows in every version; drift without a
correction refused; the plain folder with the list of versions."""

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
FIRST_REPORT = "data/2021/xiqu-xinfangju/baoan-feiyong.yml"
YEARS = ((2021, "2021-12-31"), (2022, "2022-12-31"), (2023, "2024-01-31"))


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


def add_old_year(root: Path, year: int = 2022) -> None:
    """The sample's 保安费用 as reported for an earlier year, so that there are years to freeze."""
    report = root / f"data/{year}/xiqu-xinfangju/baoan-feiyong.yml"
    report.parent.mkdir(parents=True)
    report.write_text(
        f"name: 保安费用\nbudget:\n  - year: {year - 1}\n    initial: 80000\n    executed: 78000\n"
        f"  - year: {year}\n    initial: 80000\n    executed: 80000\n"
        f"disclosure:\n  targets:\n    approved: {year}-02-10\n    published: {year}-02-25\n",
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
    """A department's repository with 2021, 2022 and 2023 data, the three years frozen."""
    root = copy_project(tmp_path_factory.mktemp("archive") / "repo")
    add_old_year(root, 2021)
    add_old_year(root, 2022)
    commit_and_freeze(root, YEARS)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "freeze 2021, 2022 and 2023")
    return root


@pytest.fixture(scope="module")
def exported(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "site"
    result = run_cli(repo, "export", str(out), env=GIT_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "坏链接 0 个" in result.stdout
    return out


def branch(repo: Path) -> dict[str, str]:
    """The archive branch's files and their git object ids."""
    listing = subprocess.run(
        ["git", "ls-tree", "-r", "gh-pages"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    return {line.split("\t")[1]: line.split()[2] for line in listing.splitlines()}


@pytest.mark.slow  # freezes three years
def test_export_stores_each_year_once_and_each_version_small(exported: Path) -> None:
    assert not [p for p in exported.rglob("*") if p.is_symlink()]
    versions = yaml.safe_load((exported / "versions.json").read_text(encoding="utf-8"))
    assert [(v["version"], v["title"], v["path"], v["newest"]) for v in versions] == [
        ("2023", "截至2023年度", "banben/2023/", True),
        ("2022", "截至2022年度", "banben/2022/", False),
        ("2021", "截至2021年度", "banben/2021/", False),
    ]
    # Each year's report page once, where the live site has it; no copy in any version.
    for year in (2021, 2022, 2023):
        assert (exported / f"{year}/baoan-feiyong/index.html").is_file()
    assert not [
        p
        for p in (exported / "banben").rglob("*")
        if p.name == "baoan-feiyong" and p.parent.name.isdigit()
    ]
    assert not (exported / "latest").exists()
    # A version is the site as it stood: 截至2021年度's project page knows no later year.
    project_2021 = (exported / "banben/2021/xiangmu/baoan-feiyong/index.html").read_text(
        encoding="utf-8"
    )
    assert (
        "../../../2021/baoan-feiyong/" in project_2021 and "2022/baoan-feiyong" not in project_2021
    )
    assert "这是截至2021年度的归档版本（2021年12月31日归档）" in project_2021
    # The root is the newest version's home; banben/ lists the versions, newest first.
    home = BeautifulSoup((exported / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert home.find("a", string="历年归档版本")["href"] == "banben/"
    listed = BeautifulSoup(
        (exported / "banben/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    rows = [r.get_text(" ", strip=True) for r in listed.find("table").find_all("tr")[1:]]
    assert rows == [
        "截至2023年度 （最新） 2024年1月31日",
        "截至2022年度 2022年12月31日",
        "截至2021年度 2021年12月31日",
    ]
    # The versions hold only pages across years: far fewer files than the years' own.
    in_versions = sum(1 for p in (exported / "banben").rglob("*") if p.is_file())
    in_years = sum(1 for p in exported.glob("202[123]/**/*") if p.is_file())
    assert in_versions > 0 and (exported / "banben/2023/index.html").is_file()
    assert in_years > 0


@pytest.mark.slow  # freezes three years
def test_manifest_records_data_and_pages(repo: Path) -> None:
    manifest = yaml.safe_load((repo / "archive/2022.json").read_text(encoding="utf-8"))
    assert manifest["frozen"] == "2022-12-31"
    assert list(manifest["data"]) == [OLD_REPORT]
    assert (
        manifest["data"][OLD_REPORT] == hashlib.sha256((repo / OLD_REPORT).read_bytes()).hexdigest()
    )
    assert "2022/baoan-feiyong/index.html" in manifest["pages"]
    assert "banben/2022/index.html" in manifest["pages"]
    assert not [p for p in manifest["pages"] if p.startswith(("2021/", "2023/", "banben/2021/"))]
    stored = branch(repo)
    for path, digest in manifest["pages"].items():  # the checksums are of what is stored
        blob = subprocess.run(
            ["git", "cat-file", "blob", stored[path]], cwd=repo, capture_output=True, check=True
        ).stdout
        assert hashlib.sha256(blob).hexdigest() == digest, path


@pytest.mark.slow  # freezes three years
def test_a_year_is_refused_before_the_newest_frozen_one(repo: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "repo"
    shutil.copytree(repo, copy, symlinks=True)
    (copy / "archive/2022.json").unlink()
    result = run_cli(copy, "freeze", "2022", env=GIT_ENV)
    assert result.returncode == 1 and "年度须按先后顺序归档" in result.stderr


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
def test_a_reader_moves_between_versions(browser: object, exported: Path, width: int) -> None:
    """From a shared year page to the list of versions, into an old version, and back to the
    newest: plain links, no request to another host, no script error."""
    with serve(exported) as url:
        page, outside, errors = open_page(browser, url + "2021/baoan-feiyong/", width)
        page.get_by_role("link", name="历年归档版本").click()  # type: ignore[attr-defined]
        page.wait_for_url("**/banben/")  # type: ignore[attr-defined]
        page.get_by_role("link", name="截至2021年度").click()  # type: ignore[attr-defined]
        page.wait_for_url("**/banben/2021/")  # type: ignore[attr-defined]
        note = page.locator(".gk-version")  # type: ignore[attr-defined]
        assert "这是截至2021年度的归档版本" in note.inner_text()
        assert note.is_visible()
        # The version's own home lists only its years; its years' reports are the shared pages.
        page.locator("article a", has_text="保安费用").first.click()  # type: ignore[attr-defined]
        page.wait_for_url(url + "2021/baoan-feiyong/")  # type: ignore[attr-defined]
        page.goto(url + "banben/2021/")  # type: ignore[attr-defined]
        page.get_by_role("link", name="查看最新版本").click()  # type: ignore[attr-defined]
        page.wait_for_url(url)  # type: ignore[attr-defined]
        assert page.locator(".gk-version").inner_text().strip() == "历年归档版本"  # type: ignore[attr-defined]
        assert outside == [] and errors == []
        page.close()  # type: ignore[attr-defined]


@pytest.mark.slow  # freezes three years, then the first again
def test_correcting_the_first_frozen_year(repo: Path, exported: Path, tmp_path: Path) -> None:
    """Issue 28's trial: three years frozen, the first corrected. Every version shows the
    corrected page and its note; the commit writes only files whose bytes changed, and no report
    page but the corrected one."""
    report = repo / FIRST_REPORT
    original = report.read_text(encoding="utf-8")
    changed = original.replace(
        "  - year: 2021\n    initial: 80000\n    executed: 80000\n",
        "  - year: 2021\n    initial: 80000\n    executed: 85000\n",
    )
    assert changed != original

    # A change without a correction is caught by check and by the build.
    report.write_text(changed, encoding="utf-8")
    result = run_cli(repo, "check", env=GIT_ENV)
    assert result.returncode == 1
    assert (
        f"{FIRST_REPORT} 第8行：2021年度已归档（2021-12-31），此文件被改动却没有新增更正记录"
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
    stored = branch(repo)
    result = run_cli(repo, "freeze", "2021", "--update", env=GIT_ENV)
    assert result.returncode == 0, result.stderr
    after = branch(repo)
    changed_files = {p for p in after if stored.get(p) != after[p]} | (stored.keys() - after.keys())
    # The commit wrote exactly the files that changed, not one more.
    message = subprocess.run(
        ["git", "log", "-1", "--format=%s", "gh-pages"], cwd=repo, capture_output=True, text=True
    ).stdout
    written = int(message.split("写入 ")[1].split(" ")[0])
    assert written == len({p for p in after if stored.get(p) != after[p]})
    # Of all report pages of all years, only the corrected one was written again.
    reports = {p for p in after if p.count("/") == 2 and p[:4].isdigit()}
    assert len(reports) > 5
    assert changed_files & reports == {"2021/baoan-feiyong/index.html"}
    assert not [p for p in changed_files if "jiefang" in p]
    # Later years' own pages change only where they show 2021's figures (历年合计).
    assert {p for p in changed_files if p.startswith("2023/")} <= {"2023/index.html"}

    again = tmp_path / "again"
    assert run_cli(repo, "export", str(again), env=GIT_ENV).returncode == 0
    old_page = (exported / "2021/baoan-feiyong/index.html").read_text(encoding="utf-8")
    new_page = (again / "2021/baoan-feiyong/index.html").read_text(encoding="utf-8")
    assert "更正说明" not in old_page and "更正说明" in new_page
    assert "补记年末支付的一笔费用" in new_page and "8.50" in new_page
    assert article_without_figures(old_page) == article_without_figures(new_page)
    # Every version shows 2021: its home's 历年合计 has the corrected figure, and its project
    # page leads to the one corrected page (later reports restate 2021 in their own words).
    for version in ("banben/2021/", "banben/2022/", "banben/2023/", ""):
        assert f"{version}index.html" in changed_files, version
        home = BeautifulSoup(
            (again / f"{version}index.html").read_text(encoding="utf-8"), "html.parser"
        )
        bars = [t.get_text() for t in home.select("#qushi ~ figure rect title")]
        assert bars[:2] == ["8.00 万元", "8.50 万元"], (version, bars)  # 2021, the first year
        path = f"{version}xiangmu/baoan-feiyong/index.html"
        page = BeautifulSoup((again / path).read_text(encoding="utf-8"), "html.parser")
        link = page.find("a", href=lambda h: h and h.endswith("2021/baoan-feiyong/"))
        assert (again / path).parent.joinpath(link["href"], "index.html").resolve() == (
            again / "2021/baoan-feiyong/index.html"
        ).resolve()
    trend = BeautifulSoup(
        (again / "banben/2021/xiangmu/baoan-feiyong/index.html").read_text(encoding="utf-8"),
        "html.parser",
    ).select("table.gk-trend tr")
    assert any(r.get_text(" ", strip=True).startswith("2021 8.00 8.50") for r in trend)
    feed = (again / "feed.xml").read_text(encoding="utf-8")
    assert "更正：攀枝花市西区信访局 保安费用（2021年度）" in feed
    manifest = yaml.safe_load((repo / "archive/2021.json").read_text(encoding="utf-8"))
    assert manifest["frozen"] == "2021-12-31" and manifest["corrections"][FIRST_REPORT] == 1


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


def test_freeze_outside_git_or_without_git_says_what_to_do(tmp_path: Path) -> None:
    """The archive lives on a git branch: a project that is not a git repository, or a machine
    without git, is told so before anything is built (it was a "broken pipe" write failure)."""
    project = copy_project(tmp_path / "project")
    args = ("freeze", "2023", "--date", "2024-01-31")
    outside = run_cli(project, *args, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert outside.returncode == 1 and "Traceback" not in outside.stderr, outside.stderr
    assert f"{project.resolve()} 不是 git 仓库" in outside.stderr
    assert "请先在这个文件夹运行 git init 并提交数据" in outside.stderr
    no_git = run_cli(project, *args, env={"PATH": str(tmp_path / "nothing")})
    assert no_git.returncode == 1 and "没有找到 git" in no_git.stderr, no_git.stderr
    assert not (project / "archive").exists()


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


@pytest.mark.slow  # freezes two years, then both again
def test_an_archive_of_whole_copies_is_laid_out_again(tmp_path: Path) -> None:
    """An archive made by an earlier gongkai (mike: one whole copy of the site per version,
    ``latest/``) is refused by freeze and export with the way out, which lays it out anew."""
    root = copy_project(tmp_path / "repo")
    add_old_year(root, 2022)
    commit_and_freeze(root, ((2022, "2022-12-31"), (2023, "2024-01-31")))
    laid_out = branch(root)
    # The branch as mike left it: version folders, latest/, versions.json without paths.
    old = tmp_path / "old"
    for path in ("2022/2022/baoan-feiyong/index.html", "latest/index.html", "2023/index.html"):
        (old / path).parent.mkdir(parents=True, exist_ok=True)
        (old / path).write_text("<p>旧版</p>", encoding="utf-8")
    (old / "versions.json").write_text(
        '[{"version": "2023", "title": "归档版本：截至2023年度", "aliases": ["latest"]}]',
        encoding="utf-8",
    )
    env = {**os.environ, **GIT_ENV, "GIT_INDEX_FILE": str(tmp_path / "index")}
    subprocess.run(
        ["git", "add", "-f", "."],
        cwd=old,
        env={**env, "GIT_DIR": str(root / ".git"), "GIT_WORK_TREE": str(old)},
        check=True,
    )
    tree = subprocess.run(
        ["git", "write-tree"], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    commit = subprocess.run(
        ["git", "commit-tree", tree, "-m", "mike"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    git(root, "update-ref", "refs/heads/gh-pages", commit)

    refused = run_cli(root, "export", str(tmp_path / "out"), env=GIT_ENV)
    assert refused.returncode == 1 and "gongkai freeze 2022 --update" in refused.stderr
    assert not (tmp_path / "out").exists()
    result = run_cli(root, "freeze", "2022", "--update", env=GIT_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert branch(root) == laid_out  # the same files as a fresh archive, nothing of the old
