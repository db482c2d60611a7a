"""Incremental builds (``gongkai serve``): the dependency rules, and byte-identical output to a
full build after each kind of edit."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import copy_project, fingerprint

from gongkai import memory
from gongkai.dependencies import Change, compare, touched_bundles, touched_pages
from gongkai.settings import read_mkdocs_yml
from gongkai.site import load_site

EPOCH = {"SOURCE_DATE_EPOCH": "1709222400", "NO_MKDOCS_2_WARNING": "1"}


def _add_2024(project: Path) -> None:
    """A 2024 report of 保安费用, so that a 2023 edit has a later year to reach."""
    source = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data.pop("attachments", None)  # the original stays beside the 2023 file
    data["budget"] = [
        {"year": 2023, "initial": 80000, "supplementary": 10000, "executed": 90000},
        {"year": 2024, "initial": 85000, "executed": 85000},
    ]
    data["disclosure"] = {"targets": {"approved": "2024-02-10"}}
    target = project / "data/2024/xiqu-xinfangju/baoan-feiyong.yml"
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Path]:
    root = copy_project(tmp_path / "project")
    _add_2024(root)
    saved = dict(os.environ)
    os.environ.update(EPOCH)
    yield root
    os.environ.clear()
    os.environ.update(saved)
    memory.incremental = False


def _build(project: Path, site: Path, dirty: bool = False) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    build(config, dirty=dirty)


def _session_build(project: Path, site: Path, settle: bool = True) -> None:
    """One build of a `gongkai serve` session (MkDocs' dirty build with our memory)."""
    memory.incremental = True
    try:
        _build(project, site, dirty=True)
        if settle:
            memory.settle()  # the downloads and search index, written after the page is shown
    finally:
        memory.incremental = False


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rules_name_the_pages_a_report_touches(project: Path) -> None:
    site = load_site(read_mkdocs_yml(project / "mkdocs.yml"))
    key = "2023/xiqu-xinfangju/baoan-feiyong"
    # Amounts and dates changed: its own page, the 2024 page of the same project, the
    # project page, both year pages, its department, the lists and the timeliness page.
    pages = touched_pages(site, Change(False, [key], listed=True, disclosed=True))
    assert pages is not None
    assert {"2023/baoan-feiyong.md", "2024/baoan-feiyong.md", "xiangmu/baoan-feiyong.md"} <= pages
    assert {"2023/index.md", "2024/index.md", "bumen/xiqu-xinfangju.md", "index.md"} <= pages
    assert "shixiao.md" in pages
    assert "2023/jiefang-feiyong.md" not in pages and "xiangmu/jiefang-feiyong.md" not in pages
    # Text only: the project's own pages, no list, no year page.
    text_only = touched_pages(site, Change(False, [key]))
    assert text_only is not None
    assert "2024/baoan-feiyong.md" in text_only and "2023/index.md" not in text_only
    assert "shixiao.md" not in text_only and "index.md" not in text_only
    bundles = touched_bundles(site, Change(everything=False, reports=[key]))
    assert bundles == {"quanbu", "2023", "xiangmu/baoan-feiyong"}


def test_the_facets_of_a_change_are_told_apart(project: Path) -> None:
    from gongkai.dependencies import Snapshot

    settings = read_mkdocs_yml(project / "mkdocs.yml")
    before = Snapshot.of(load_site(settings), project / "docs")
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    _edit(path, "problems: 无。", "problems: 有。")
    text = compare(before, Snapshot.of(load_site(settings), project / "docs"))
    assert text.reports == ["2023/xiqu-xinfangju/baoan-feiyong"]
    assert not text.listed and not text.disclosed
    _edit(path, "  executed: 80000\n  stated_change", "  executed: 70000\n  stated_change")
    amount = compare(before, Snapshot.of(load_site(settings), project / "docs"))
    assert amount.listed and not amount.disclosed
    _edit(path, "approved: 2023-02", "approved: 2023-02-20")
    dates = compare(before, Snapshot.of(load_site(settings), project / "docs"))
    assert dates.disclosed


def test_structural_changes_rebuild_everything(project: Path) -> None:
    from gongkai.dependencies import Snapshot

    settings = read_mkdocs_yml(project / "mkdocs.yml")
    before = Snapshot.of(load_site(settings), project / "docs")
    assert compare(before, Snapshot.of(load_site(settings), project / "docs")).nothing
    # A new year is in every page's navigation.
    shutil.copytree(project / "data/2024", project / "data/2025")
    after = Snapshot.of(load_site(settings), project / "docs")
    assert compare(before, after).everything
    assert compare(None, after).everything  # the first build of a session


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        # An amount in 2023: its pages, the 2024 page's trend and change, totals, downloads.
        (
            "data/2023/xiqu-xinfangju/baoan-feiyong.yml",
            "  executed: 80000\n  stated_change",
            "  executed: 78000\n  stated_change",
        ),
        # Text only.
        ("data/2023/xiqu-xinfangju/jiefang-feiyong.yml", "problems: 无。", "problems: 场地不足。"),
        # A new year: the navigation of every page.
        ("data/2024/xiqu-xinfangju/baoan-feiyong.yml", "2024-02-10", "2024-02-11"),
    ],
)
def test_an_incremental_build_equals_a_full_build(
    project: Path, tmp_path: Path, path: str, old: str, new: str
) -> None:
    served = tmp_path / "served"
    _session_build(project, served)
    _edit(project / path, old, new)
    _session_build(project, served)
    full = tmp_path / "full"
    _build(project, full)
    assert fingerprint(served) == fingerprint(full)


def test_a_new_year_and_a_removed_report_in_a_session(project: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    _session_build(project, served)
    shutil.copytree(project / "data/2024", project / "data/2025")
    _edit(project / "data/2025/xiqu-xinfangju/baoan-feiyong.yml", "  year: 2024", "  year: 2025")
    _session_build(project, served)
    assert (served / "2025/index.html").is_file()
    (project / "data/2023/xiqu-xinfangju/jiefang-feiyong.yml").unlink()
    records = project / "data/publication-records.json"
    text = records.read_text(encoding="utf-8")
    import json

    ledger = json.loads(text)
    del ledger["records"]["2023/xiqu-xinfangju/jiefang-feiyong"]
    records.write_text(json.dumps(ledger, ensure_ascii=False, indent=2), encoding="utf-8")
    _session_build(project, served)
    full = tmp_path / "full"
    _build(project, full)
    assert not (served / "2023/jiefang-feiyong/index.html").exists()
    assert fingerprint(served) == fingerprint(full)


def test_an_edit_writes_only_the_pages_it_touches(project: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    _session_build(project, served)
    untouched = served / "2023/jiefang-feiyong/index.html"
    touched = served / "2023/baoan-feiyong/index.html"
    stamps = (untouched.stat().st_mtime_ns, touched.stat().st_mtime_ns)
    _edit(
        project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml",
        "problems: 无。",
        "problems: 无问题。",
    )
    _session_build(project, served)
    assert untouched.stat().st_mtime_ns == stamps[0]
    assert touched.stat().st_mtime_ns != stamps[1]
    assert "无问题" in touched.read_text(encoding="utf-8")


def test_a_quick_second_edit_takes_over_the_downloads(project: Path, tmp_path: Path) -> None:
    served = tmp_path / "served"
    _session_build(project, served)
    _edit(
        project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml",
        "  executed: 80000\n  stated_change",
        "  executed: 70000\n  stated_change",
    )
    _session_build(project, served, settle=False)  # its writer may still be running
    _edit(
        project / "data/2023/xiqu-xinfangju/jiefang-feiyong.yml", "problems: 无。", "problems: 有。"
    )
    _session_build(project, served)
    full = tmp_path / "full"
    _build(project, full)
    assert fingerprint(served) == fingerprint(full)


WHOLE = """name: 攀枝花市西区信访局部门整体支出
title: 部门整体支出绩效自评表
kind: 部门整体
form:
  supervisor: 攀枝花市西区信访局
  funds:
    - label: 年度资金总额
      initial: 1802000
      adjusted: 1987600
      executed: 1953100
budget:
  - year: 2023
    initial: 1802000
    supplementary: 185600
    executed: 1953100
evaluation:
  total_score: 97.83
"""


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("data/2023/xiqu-xinfangju/bumen-zhengti.yml", "total_score: 97.83", "total_score: 96.5"),
        ("data/2023/xiqu-xinfangju/jiefang-feiyong.yml", "problems: 无。", "problems: 场地不足。"),
    ],
)
def test_a_department_level_report_in_a_session(
    project: Path, tmp_path: Path, path: str, old: str, new: str
) -> None:
    """The department-year page follows its reports in a `gongkai serve` session."""
    (project / "data/2023/xiqu-xinfangju/bumen-zhengti.yml").write_text(WHOLE, encoding="utf-8")
    served = tmp_path / "served"
    _session_build(project, served)
    assert (served / "bumen/xiqu-xinfangju/2023/index.html").is_file()
    _edit(project / path, old, new)
    _session_build(project, served)
    full = tmp_path / "full"
    _build(project, full)
    assert fingerprint(served) == fingerprint(full)


def test_a_project_years_targets_in_a_session(project: Path, tmp_path: Path) -> None:
    """A 绩效目标表 added beside its self-evaluation (the project-year forms), then one of its
    targets changed (the comparison, and the year and department counts): each session build
    equals a full build."""
    from test_project_year import DEPT, TARGETS

    served = tmp_path / "served"
    _session_build(project, served)
    targets = project / DEPT / "zhujing-mubiao.yml"
    targets.write_text(yaml.safe_dump(TARGETS, allow_unicode=True), encoding="utf-8")
    _session_build(project, served)
    _build(project, tmp_path / "full")
    assert fingerprint(served) == fingerprint(tmp_path / "full")
    _edit(targets, "target: '50000'", "target: '150000'")  # now kept, not made easier
    _session_build(project, served)
    shutil.rmtree(tmp_path / "full")
    _build(project, tmp_path / "full")
    assert fingerprint(served) == fingerprint(tmp_path / "full")
    year = (served / "2023/index.html").read_text(encoding="utf-8")
    assert "有目标要求降低" not in year and "1 个项目同时公开了年初绩效目标表和自评" in year


def _count_compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates jinja2 compiles from now on."""
    import jinja2

    compiled: list[str] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, name: str | None = None, *a: object):
        compiled.append(name or "")
        return original(self, source, name, *a)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return compiled


def test_a_session_build_compiles_no_template_again(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling the theme's and the pages' templates anew was half of an edit's rebuild.

    served = tmp_path / "served"
    _session_build(project, served)
    compiled = _count_compiles(monkeypatch)
    _edit(
        project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml",
        "problems: 无。",
        "problems: 无问题。",
    )
    _session_build(project, served)
    assert "无问题" in (served / "2023/baoan-feiyong/index.html").read_text(encoding="utf-8")
    # Left: Material's search plugin renders its language partials in an environment of its own.
    assert [n for n in compiled if not n.startswith("partials/language")] == []


def test_an_edited_template_is_compiled_again(tmp_path: Path) -> None:
    import jinja2

    from gongkai.render.environment import CompiledTemplates

    cache = CompiledTemplates()
    template = tmp_path / "page.html"

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=cache)
        return env.get_template("page.html").render(name="保安费用")

    template.write_text("旧：{{ name }}", encoding="utf-8")
    assert render() == "旧：保安费用"
    assert render() == "旧：保安费用"  # from the cache
    template.write_text("新：{{ name }}！", encoding="utf-8")
    assert render() == "新：保安费用！"


def test_compiled_templates_are_kept_for_the_next_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import jinja2

    from gongkai.render import environment

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    template = tmp_path / "page.html"
    template.write_text("旧：{{ name }}", encoding="utf-8")
    compiled = _count_compiles(monkeypatch)

    def render() -> str:  # as a new process does: a new cache, with only the folder shared
        cache = environment.CompiledTemplates("html")
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), bytecode_cache=cache)
        return env.get_template("page.html").render(name="保安费用")

    assert render() == "旧：保安费用"
    assert render() == "旧：保安费用"
    assert compiled == ["page.html"]  # the second process loaded it from the folder
    folder = tmp_path / "cache/gongkai/templates/html"
    assert (folder.stat().st_mode & 0o777) == 0o700
    (entry,) = list(folder.iterdir())
    template.write_text("新：{{ name }}！", encoding="utf-8")
    assert render() == "新：保安费用！"  # edited: compiled again
    entry.write_bytes(entry.read_bytes()[:40])  # damaged: ignored, compiled again
    assert render() == "新：保安费用！"
    assert len(compiled) == 3
    folder.chmod(0o777)  # a folder others can write into is not used
    assert environment.cache_folder("html") is None
    folder.chmod(0o700)


def test_a_session_makes_files_only_for_the_pages_a_change_touches(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuild hands MkDocs the earlier build's files for the untouched pages, which keep no
    HTML between builds, and leaves the sitemap as it is; after edits to two reports the site
    still equals a full build."""
    from gongkai.render import generated

    made: list[str] = []
    original = generated.GeneratedPage.generated

    def counted(cls: type, config: object, src_uri: str, **kwargs: object) -> object:
        made.append(src_uri)
        return original(config, src_uri, **kwargs)

    monkeypatch.setattr(generated.GeneratedPage, "generated", classmethod(counted))
    served = tmp_path / "served"
    _session_build(project, served)
    every = set(made)
    assert len(every) > 20 and len(made) == len(every)
    made.clear()
    sitemap = (served / "sitemap.xml").stat().st_mtime_ns  # same pages, same day: not redone
    _edit(
        project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml", "problems: 无。", "problems: 甲。"
    )
    _session_build(project, served)
    assert "2023/baoan-feiyong.md" in made and "2023/jiefang-feiyong.md" not in made
    assert len(made) < len(every) / 2, made
    made.clear()
    _edit(
        project / "data/2023/xiqu-xinfangju/jiefang-feiyong.yml", "problems: 无。", "problems: 乙。"
    )
    _session_build(project, served)
    assert "2023/jiefang-feiyong.md" in made and "2023/baoan-feiyong.md" not in made
    kept = generated._KEPT[served.resolve()][1]
    assert set(kept) == every
    assert all(f.page is None or f.page.content is None for f in kept.values())
    assert (served / "sitemap.xml").stat().st_mtime_ns == sitemap
    full = tmp_path / "full"
    _build(project, full)
    assert fingerprint(served) == fingerprint(full)


def test_a_session_collects_garbage_while_the_clerk_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a serve build the full collection runs a moment later, off the rebuild's path; a
    build that starts first calls it off."""
    import gc
    import time

    collected: list[float] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collected.append(time.monotonic()))
    monkeypatch.setattr(memory, "IDLE_SECONDS", 0.2)
    started = time.monotonic()
    memory.collect_when_idle()
    time.sleep(0.6)
    assert len(collected) == 1 and collected[0] - started >= 0.2
    memory.collect_when_idle()
    memory.busy()  # the clerk saved again: a build starts
    time.sleep(0.6)
    assert len(collected) == 1
