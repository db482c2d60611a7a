"""What makes a full build quick gives the same files as the plain way: a share of the pages
built by a child process on the second core, the full-text index built as the pages are
rendered, and Material's navigation rendered once per folder."""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_project, fingerprint, mkdocs_build

from gongkai.files import NO_CACHE
from gongkai.outputs.background import BackgroundError, second_core
from gongkai.outputs.fulltext import IndexWriter, PageText, Section, write_fulltext
from gongkai.pages import _relpath, page_year
from gongkai.render.builders import plan
from gongkai.render.pageshare import PageShare
from gongkai.settings import Settings
from gongkai.site import load_site

EPOCH = {"SOURCE_DATE_EPOCH": "1709222400"}


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_a_build_on_two_cores_equals_one_in_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert second_core()
    # The build leaves every second shared page to the child (which takes the rest it comes to
    # first from the end), so that the child surely builds pages of every kind.
    claim = PageShare.claim
    monkeypatch.setattr(
        PageShare, "claim", lambda share, uri: share.place[uri] % 2 == 0 and claim(share, uri)
    )
    shared = PageShare(
        p.src_uri for p in plan(load_site(Settings(root=ROOT)).catalog) if not p.in_nav
    )
    # The child builds report pages, project pages and department pages of the sample.
    assert any(page_year(uri) for uri in shared.order)
    assert any(uri.startswith("xiangmu/") for uri in shared.order)
    two, one = tmp_path / "two", tmp_path / "one"
    assert mkdocs_build(ROOT, two, env=EPOCH).returncode == 0
    serial = mkdocs_build(ROOT, one, env={**EPOCH, "GONGKAI_SERIAL": "1"})
    assert serial.returncode == 0, serial.stderr
    built = fingerprint(two)
    assert built == fingerprint(one)
    for uri in shared.order:  # each shared page is there, whole
        folder = uri.removesuffix(".md").removesuffix("index")
        page = (two / folder / "index.html").read_text(encoding="utf-8")
        assert page.rstrip().endswith("</html>")


def test_a_child_is_forked_only_while_memory_allows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Twice the build's resident size must be available for each child, the new one and each
    still running; where the figures cannot be read, children are used."""
    from gongkai.outputs import background

    figures: dict[str, int | None] = {"MemAvailable": 4_000_000, "VmRSS": 1_000_000}
    monkeypatch.setattr(background, "status_kib", lambda path, field: figures[field])
    monkeypatch.setattr(background, "_cgroup_room_kib", lambda: None)  # no container limit
    monkeypatch.setattr(multiprocessing, "active_children", lambda: [])
    assert background.room_for_a_child()  # 4.0 GB free, a 1.0 GB build: room for one
    monkeypatch.setattr(multiprocessing, "active_children", lambda: ["index", "downloads"])
    assert not background.room_for_a_child()  # 4.0 < 2 x 1.0 x 3
    figures["MemAvailable"] = 6_000_000
    assert background.room_for_a_child()
    monkeypatch.setattr(background, "_cgroup_room_kib", lambda: 3_000_000)  # a container's
    assert not background.room_for_a_child()
    figures["MemAvailable"] = None
    assert background.room_for_a_child()


def test_a_containers_memory_limit_is_read_from_its_cgroup(tmp_path: Path) -> None:
    """cgroup v2 (memory.max, memory.current) and v1 (limit and usage in bytes); no limit is
    none; the machine's free memory is what counts outside a container."""
    from gongkai.outputs.background import _cgroup_room_kib

    def tree(name: str, cgroup: str, files: dict[str, str]) -> Path:
        root = tmp_path / name
        (root / "proc/self").mkdir(parents=True)
        (root / "proc/self/cgroup").write_text(cgroup, encoding="ascii")
        for path, text in files.items():
            (root / "sys/fs/cgroup" / path).parent.mkdir(parents=True, exist_ok=True)
            (root / "sys/fs/cgroup" / path).write_text(text, encoding="ascii")
        return root

    v2 = tree(
        "v2",
        "0::/ci/job\n",
        {"ci/job/memory.max": "2147483648\n", "ci/job/memory.current": "1073741824\n"},
    )
    assert _cgroup_room_kib(v2) == 1_048_576  # 2 GiB limit, 1 GiB used: 1 GiB in KiB
    v1 = tree(
        "v1",
        "4:memory:/docker/abc\n0::/\n",
        {
            "memory/memory.limit_in_bytes": "4294967296\n",
            "memory/memory.usage_in_bytes": "1073741824\n",
        },
    )
    assert _cgroup_room_kib(v1) == 3 * 1_048_576  # the container's own view of its group
    unlimited = tree("none", "0::/\n", {"memory.max": "max\n", "memory.current": "5\n"})
    assert _cgroup_room_kib(unlimited) is None
    assert _cgroup_room_kib(tmp_path / "nothing") is None


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_short_of_memory_the_build_stays_in_one_process_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.outputs import background

    forked: list[object] = []
    monkeypatch.setattr(
        background, "status_kib", lambda path, field: 100_000 if field != "VmRSS" else 400_000
    )
    monkeypatch.setattr(background, "_cgroup_room_kib", lambda: None)
    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", forked.append)
    short = mkdocs_build(ROOT, tmp_path / "short", env=EPOCH)
    assert short.returncode == 0, short.stderr
    assert forked == []
    assert "可用内存 97 MiB，不够再分出一个进程（本进程 390 MiB，已有 0 个子进程）" in short.stderr
    monkeypatch.undo()
    plenty = mkdocs_build(ROOT, tmp_path / "plenty", env=EPOCH)
    assert plenty.returncode == 0 and "可用内存" not in plenty.stderr
    assert fingerprint(tmp_path / "short") == fingerprint(tmp_path / "plenty")


def _sample_pages(count: int) -> list[PageText]:
    rng = random.Random(7)
    words = "保安 接访 维稳 培训 宣传 信息化 办公 设备 维修 调解 法律 援助".split()  # noqa: SIM905
    pages = []
    for number in range(count):
        text = "".join(rng.choice(words) for _ in range(40)) + f" {rng.randint(1, 10**6)} 元"
        pages.append(
            PageText(
                f"{2019 + number % 5}/xiangmu-{number}/",
                f"{rng.choice(words)}经费{number}号",
                year=str(2019 + number % 5),
                department="示例部门",
                rank=number % 3,
                sections=[Section("", "", text), Section("si", "绩效指标", text[:30], 1)],
            )
        )
    return pages


def _index_by_writer(pages: list[PageText], site: Path) -> None:
    writer = IndexWriter(site)
    half = len(pages) // 2
    # Half the pages come from another process forked after the writer started, as the
    # child building a share of the pages sends its own.
    child = multiprocessing.get_context("fork").Process(
        target=lambda: [writer.add(p) for p in pages[half:]]
    )
    child.start()
    for page in reversed(pages[:half]):
        writer.add(page)
    child.join()
    assert child.exitcode == 0
    writer.close()


@pytest.mark.parametrize("serial", [False, True], ids=["two-cores", "one-core"])
def test_the_index_built_as_pages_come_equals_the_index_of_all_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serial: bool
) -> None:
    if serial:
        monkeypatch.setenv("GONGKAI_SERIAL", "1")
    pages = _sample_pages(450)
    write_fulltext(pages, tmp_path / "all")
    if serial:  # no child: the pages are added in the build's own process
        writer = IndexWriter(tmp_path / "streamed")
        assert writer.process is None
        for page in reversed(pages):
            writer.add(page)
        writer.close()
    else:
        _index_by_writer(pages, tmp_path / "streamed")
    expected = fingerprint(tmp_path / "all")
    assert len(expected) == 450 + 3 + 1 + len(list((tmp_path / "all/search/s").glob("*.js")))
    assert fingerprint(tmp_path / "streamed") == expected


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_the_index_is_written_while_the_page_child_still_works(tmp_path: Path) -> None:
    """The build says it has sent its pages before the page child has sent any; the index
    waits for the child's pages, and is written once the child says they are sent, whatever the
    child still does after, not when it ends."""
    pages = _sample_pages(120)
    write_fulltext(pages, tmp_path / "all")
    writer = IndexWriter(tmp_path / "streamed")
    assert writer.process is not None
    context = multiprocessing.get_context("fork")
    go, index_written = context.Event(), context.Event()

    def page_child() -> None:
        go.wait(20)
        for page in pages[60:]:
            writer.add(page)
        writer.sent()
        index_written.wait(30)  # still at work until the index is written

    child = context.Process(target=page_child)
    child.start()
    for page in reversed(pages[:60]):
        writer.add(page)
    writer.finish(others=1)
    go.set()
    writer.process.join(30)
    assert not writer.process.is_alive()  # written although the page child has not ended
    assert child.is_alive()
    writer.wait()
    index_written.set()
    child.join(30)
    assert child.exitcode == 0
    assert fingerprint(tmp_path / "streamed") == fingerprint(tmp_path / "all")


def test_a_failed_child_is_a_plain_error() -> None:
    share = PageShare([])
    for code, words in ((2, "严格模式"), (1, "生成页面的后台进程失败"), (3, "写入下载文件的后台")):
        share.process = multiprocessing.get_context("fork").Process(target=sys.exit, args=(code,))
        share.process.start()
        with pytest.raises(BackgroundError, match=words):
            share.wait()
    assert share.process is None


def test_the_navigation_made_once_per_folder_is_materials_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.render import environment

    once = tmp_path / "once"
    assert mkdocs_build(ROOT, once, env=EPOCH).returncode == 0
    calls: list[object] = []

    def every_page(page: object, targets: list[str]) -> None:
        calls.append(page)
        return None  # no key: Material renders the navigation for this page

    monkeypatch.setattr(environment, "_nav_key", every_page)
    each = tmp_path / "each"
    assert mkdocs_build(ROOT, each, env={**EPOCH, "GONGKAI_SERIAL": "1"}).returncode == 0
    assert len(calls) > 10
    built = fingerprint(once)
    assert built == fingerprint(each)
    page = (once / "xiangmu/baoan-feiyong/index.html").read_text(encoding="utf-8")
    assert page.count('class="md-nav md-nav--primary"') == 1


def test_the_theme_listing_leaves_out_only_hidden_folders() -> None:
    import jinja2
    from mkdocs.config import load_config

    from gongkai.render.environment import QuickListing

    theme = load_config(str(ROOT / "mkdocs.yml")).theme
    everything = jinja2.FileSystemLoader(theme.dirs).list_templates()
    quick = QuickListing(theme.dirs).list_templates()
    hidden = [name for name in everything if name.startswith(".") or "/." in name]
    assert len(hidden) > 10_000  # Material's icons
    assert quick == [name for name in everything if name not in set(hidden)]


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # exited, waiting to be reaped by whoever adopted it


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_the_index_child_of_a_killed_build_leaves(tmp_path: Path) -> None:
    import signal
    import time

    read, write = os.pipe()
    build = os.fork()
    if build == 0:  # the build: starts its index writer, then is killed before closing it
        try:
            writer = IndexWriter(tmp_path)
            assert writer.process is not None
            os.write(write, str(writer.process.pid).encode())
            time.sleep(60)
        finally:
            os._exit(0)
    child = int(os.read(read, 32))
    os.kill(build, signal.SIGKILL)
    os.waitpid(build, 0)
    started = time.monotonic()
    while not _gone(child) and time.monotonic() - started < 10:
        time.sleep(0.1)
    assert _gone(child)  # it would otherwise wait for pages for ever
    assert not (tmp_path / "search").exists()


def test_planning_reads_each_report_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The 更新日期 of a list split into pages is its reports' newest day, worked out once per
    list: once per page made planning grow with the square of the reports (8 s of every build
    at 10,000 project-years)."""
    import sys

    from gongkai.model.catalog import load_catalog
    from gongkai.render import builders

    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    import bench  # the benchmark's synthetic data: 5 years, departments of 40 projects

    data = tmp_path / "data"
    bench.synthesise(data, 5)  # one project a year; then 400 a year, copied (yaml is slow)
    for first in sorted(data.glob("*/bumen-0/xiangmu-0.yml")):
        text = first.read_text(encoding="utf-8")
        for number in range(1, 400):
            copy = text.replace("经费0号", f"经费{number}号").replace(
                "xiangmu-0", f"xiangmu-{number}"
            )
            first.with_name(f"xiangmu-{number}.yml").write_text(copy, encoding="utf-8")
    catalog = load_catalog(data)
    read = []
    dates_of = builders._dates_of
    monkeypatch.setattr(builders, "_dates_of", lambda e: read.append(e) or dates_of(e))
    pages = builders.plan(catalog)
    assert len(pages) > 2000
    # Once for the pages over everything, once for its year's, its department's and its
    # project's pages.
    assert len(read) <= 4 * len(catalog.reports), len(read) / len(catalog.reports)


def _shape(catalog: Any) -> list[object]:
    """What a catalog says: each document with its report, each project's documents by year."""
    return [
        [(e.key, e.source, e.department, e.report) for e in catalog.reports],
        [
            (slug, {y: [e.key for e in d] for y, d in p.documents.items()})
            for slug, p in catalog.projects.items()
        ],
        sorted((key, [e.key for e in d.documents]) for key, d in catalog.linked.items()),
    ]


def test_a_session_places_again_only_the_files_that_changed(tmp_path: Path) -> None:
    """A serve session loads the data at every build: a file that did not change is the same
    document as before (what was worked out for it is kept); a changed file, or a change to its
    department's name, gives a new one; and the catalog says what a fresh load says."""
    from gongkai.model import catalog as catalogs

    data = Path(shutil.copytree(ROOT / "data", tmp_path / "data"))
    first = catalogs.load_catalog(data)
    again = catalogs.load_catalog(data)
    assert [id(e) for e in again.reports] == [id(e) for e in first.reports]

    edited = data / "2023/xiqu-xinfangju/baoan-feiyong.yml"
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("name: 保安费用", "name: 保安服务费用", 1),
        encoding="utf-8",
    )
    changed = catalogs.load_catalog(data)
    new = [e for e in changed.reports if all(e is not old for old in first.reports)]
    assert [e.path for e in new] == [edited]
    assert new[0].name == "保安服务费用"

    registry = data / "departments.yml"
    registry.write_text(
        registry.read_text(encoding="utf-8").replace("攀枝花市西区信访局", "西区信访局", 1),
        encoding="utf-8",
    )
    renamed = catalogs.load_catalog(data)
    assert {e.department.name for e in renamed.reports} == {"西区信访局"}

    catalogs._READ.clear()
    catalogs._PLACED.clear()
    assert _shape(renamed) == _shape(catalogs.load_catalog(data))


def test_a_reports_dates_are_the_ones_it_states() -> None:
    """Every date a report states, where it stands and its name (worked out once a report)."""
    from gongkai.model.dates import PartialDate
    from gongkai.model.report import Report

    report = Report.model_validate(
        {
            "name": "保安费用",
            "disclosure": {
                "declared": "2022-11-05",
                "targets": {"approved": "2023-01-10", "published": "2023-01"},
                "self_evaluation": {"published": "2024-03-15"},
            },
            "corrections": [
                {
                    "date": "2024-04-02",
                    "field": "name",
                    "old": "保安费",
                    "new": "保安费用",
                    "reason": "笔误",
                },
            ],
        }
    )
    assert [(d.loc, d.label, d.value.iso()) for d in report.stated_dates] == [
        (("disclosure", "declared"), "申报日期", "2022-11-05"),
        (("disclosure", "targets", "approved"), "绩效目标批复日期", "2023-01-10"),
        (("disclosure", "targets", "published"), "绩效目标公开日期", "2023-01"),
        (("disclosure", "self_evaluation", "published"), "自评报告公开日期", "2024-03-15"),
        (("corrections", 0, "date"), "更正日期", "2024-04-02"),
    ]
    assert report.made_public == (
        PartialDate.parse("2023-01"),
        PartialDate.parse("2024-03-15"),
        PartialDate.parse("2024-04-02"),
    )
    assert report.stated_dates is report.stated_dates


def test_a_child_killed_by_the_system_is_named_with_what_to_do() -> None:
    from gongkai.outputs.background import failed

    killed = str(failed("写入全文索引", -9))
    assert "写入全文索引的后台进程被系统强行结束（信号 9），多半是内存不足" in killed
    assert "GONGKAI_SERIAL=1" in killed
    assert str(failed("生成页面", 1)) == "生成页面的后台进程失败（退出码 1）"


_KILLED_INDEX = """
import os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_quick_build import _sample_pages
from gongkai.outputs.background import BackgroundError
from gongkai.outputs.fulltext import IndexWriter

writer = IndexWriter(Path(sys.argv[1]))
if writer.process is None:
    print("no child")
    sys.exit(0)
os.kill(writer.process.pid, signal.SIGKILL)  # as the system does when memory runs out
writer.process.join()
for page in _sample_pages(600):  # more than the pipe to the dead child holds
    writer.add(page)
try:
    writer.close()
except BackgroundError as error:
    print(error)
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_a_build_whose_index_child_was_killed_fails_in_words_and_ends(tmp_path: Path) -> None:
    """Seen at 10,000 project-years in a 2 GiB container: the system killed a child, the build
    failed, and then waited for ever at its exit to send pages to the dead child."""
    import subprocess

    ended = subprocess.run(
        [sys.executable, "-c", _KILLED_INDEX, str(tmp_path), str(Path(__file__).parent)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ended.returncode == 0, ended.stderr
    assert "写入全文索引的后台进程被系统强行结束（信号 9），多半是内存不足" in ended.stdout


_INDEX_KILLED_IN_A_BUILD = """
import logging, os, signal, sys
logging.basicConfig(level=logging.ERROR, stream=sys.stdout, format="%(message)s")
from mkdocs.commands.build import build
from mkdocs.config import load_config
from gongkai.outputs import fulltext
start = fulltext.IndexWriter.__init__
def killed(self, *args, **kwargs):
    start(self, *args, **kwargs)
    os.kill(self.process.pid, signal.SIGKILL)  # as the system does when memory runs out
fulltext.IndexWriter.__init__ = killed
try:
    build(load_config(sys.argv[1], site_dir=sys.argv[2]))
except Exception as error:
    print(error)
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_a_build_whose_index_child_died_ends_in_words_with_its_page_child(
    tmp_path: Path,
) -> None:
    """The child that writes pages sends their texts to the index's child too: with that one
    dead, it waited for ever to hand over its last texts, and the build for it."""
    import subprocess

    project = copy_project(tmp_path / "project")
    ended = subprocess.run(
        [
            sys.executable,
            "-c",
            _INDEX_KILLED_IN_A_BUILD,
            str(project / "mkdocs.yml"),
            str(tmp_path / "site"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, NO_CACHE: "1"},
    )
    assert "写入全文索引的后台进程被系统强行结束（信号 9）" in ended.stdout, ended.stderr
    assert ended.returncode == 0


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_the_index_child_is_forked_before_the_data_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Forked from a build holding the data, the child copied much of it as it allocated its
    # own (PSS at 10,000 project-years); forked first, it holds only the texts it is sent.
    import gongkai.site
    from gongkai.outputs import fulltext

    events: list[str] = []
    writers: list[IndexWriter] = []
    read, start = gongkai.site.load_catalog, fulltext.IndexWriter.__init__

    def load_catalog(*args: Any, **kwargs: Any) -> Any:
        events.append("data")
        return read(*args, **kwargs)

    def writer(self: IndexWriter, *args: Any, **kwargs: Any) -> None:
        events.append("index")
        start(self, *args, **kwargs)
        assert self.process is not None
        writers.append(self)

    # Looked up when called (the hooks module, loaded once per process, holds load_site).
    monkeypatch.setattr(gongkai.site, "load_catalog", load_catalog)
    monkeypatch.setattr(fulltext.IndexWriter, "__init__", writer)
    assert mkdocs_build(ROOT, tmp_path / "site", env=EPOCH).returncode == 0
    assert events == ["index", "data"]
    # A build stopped by its data leaves no index child behind.
    project = copy_project(tmp_path / "broken")
    (project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml").write_text("year: [", "utf-8")
    events.clear()
    failed = mkdocs_build(project, tmp_path / "none", env=EPOCH)
    assert failed.returncode != 0 and "baoan-feiyong.yml" in failed.stderr
    assert events == ["index", "data"]
    child = writers[-1].process
    assert child is not None and not child.is_alive()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_each_shared_page_is_claimed_by_one_process() -> None:
    # The build takes pages from the first on, the child from the last back: whoever comes to
    # a page first builds it, and no page is built twice or left out.
    uris = [f"2023/p{n:05}.md" for n in range(20_000)]
    share = PageShare(reversed(uris))
    assert share.order == uris
    share.claims = multiprocessing.get_context("fork").Array("b", len(uris))
    assert [share.claim(uri) for uri in uris[:5]] == [True] * 5
    taken = multiprocessing.get_context("fork").Queue()

    def child() -> None:  # as PageShare._build takes its pages
        taken.put([n for n in reversed(range(len(uris))) if share._claim(n)])

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    mine = [n for n in range(5, len(uris)) if share.claim(uris[n])]
    theirs = taken.get(timeout=30)
    process.join(30)
    assert sorted(mine + theirs) == list(range(5, len(uris)))  # each once, none left out
    assert theirs == sorted(theirs, reverse=True)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_the_page_child_writes_the_downloads_then_shares_the_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One child fewer: the downloads are written by the child that shares the pages (it has
    # read the data already), before it claims any page.
    started: list[object] = []
    start = multiprocessing.process.BaseProcess.start

    def counted(process: multiprocessing.process.BaseProcess) -> None:
        started.append(process)
        start(process)

    monkeypatch.setattr(multiprocessing.process.BaseProcess, "start", counted)
    assert mkdocs_build(ROOT, tmp_path / "site", env=EPOCH).returncode == 0
    assert len(started) == 2  # the full-text index's child and the page child
    assert (tmp_path / "site/xiazai/quanbu.xlsx").is_file()

    # A failure there fails the build, in words.
    from gongkai.outputs import opendata

    _a_child_failure_is_told(tmp_path, monkeypatch, opendata, "_entry_parts")


def _a_child_failure_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: object, name: str
) -> None:
    """With ``module.name`` failing in the page child, the build fails and says so, in words."""

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, name, broken)
    failed = mkdocs_build(ROOT, tmp_path / "failed", env=EPOCH)
    assert failed.returncode != 0
    assert "写入下载文件的后台进程失败（退出码 3）" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_without_room_for_the_page_child_the_downloads_are_written_all_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Memory looked at again as the page child is about to start: none left for it.
    from gongkai.render import pageshare

    monkeypatch.setattr(pageshare, "room_for_a_child", lambda: False)
    ran = mkdocs_build(ROOT, tmp_path / "site", env=EPOCH)
    assert ran.returncode == 0, ran.stderr
    assert fingerprint(tmp_path / "site") == fingerprint(_plain_site(tmp_path))


def _plain_site(tmp_path: Path) -> Path:
    serial = mkdocs_build(ROOT, tmp_path / "serial", env={**EPOCH, "GONGKAI_SERIAL": "1"})
    assert serial.returncode == 0, serial.stderr
    return tmp_path / "serial"


def test_links_between_pages_are_worked_out_as_the_system_would() -> None:
    # relative_url no longer asks the system (posixpath.relpath reads the working folder):
    # its own arithmetic gives the same link for every pair of site places.
    names = ["2023", "a", "b", "x.html", "index.html", "", ".", "c/d", "a/b", "a/./b", "a//b"]
    chosen = random.Random(7)
    for _ in range(20_000):
        target = "/".join(chosen.choice(names) for _ in range(chosen.randint(0, 4))) or "."
        base = "/".join(chosen.choice(names) for _ in range(chosen.randint(0, 4))) or "."
        assert _relpath(target, base) == posixpath.relpath(target, base), (target, base)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs a second core")
def test_the_page_child_writes_the_feed_after_its_last_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The feed once read the site's name with jieba, whose dictionary takes half a second to
    # load: written first, it held the child's first page back. It comes once the child's
    # pages are handed to the index, while the index is written on the other core.
    from gongkai.outputs import feed, fulltext, opendata

    log = tmp_path / "order.log"

    def noted(name: str, work: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            with log.open("a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {name}\n")
            return work(*args, **kwargs)

        return run

    # Each looked up at its call (the hooks module, loaded once per process, holds the names
    # it imported when an earlier test loaded it).
    monkeypatch.setattr(opendata, "_entry_parts", noted("downloads", opendata._entry_parts))
    monkeypatch.setattr(feed, "FeedGenerator", noted("feed", feed.FeedGenerator))
    monkeypatch.setattr(fulltext.IndexWriter, "sent", noted("sent", fulltext.IndexWriter.sent))
    monkeypatch.setattr(PageShare, "_claim", noted("page", PageShare._claim))
    assert mkdocs_build(ROOT, tmp_path / "site", env=EPOCH).returncode == 0
    lines = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    child = next(pid for pid, name in lines if name == "sent")
    assert child != str(os.getpid())
    first = {}
    for number, (pid, name) in enumerate(lines):
        if pid == child:
            first.setdefault(name, number)
    assert first["downloads"] < first["page"] < first["sent"] < first["feed"]
    assert [name for pid, name in lines if pid == child][-1] == "feed"
    assert (tmp_path / "site/feed.xml").read_bytes() == (
        _plain_site(tmp_path) / "feed.xml"
    ).read_bytes()

    # A failure there fails the build, in words, as for the downloads.
    _a_child_failure_is_told(tmp_path, monkeypatch, feed, "FeedGenerator")


def test_young_objects_are_collected_less_often_while_building_and_as_before_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from gongkai import memory
    from gongkai.render.renderer import Renderer

    seen: list[int] = []
    render = Renderer.render

    def noted(renderer: Renderer, page: Any) -> str:
        seen.append(gc.get_threshold()[0])
        return render(renderer, page)

    monkeypatch.setattr(Renderer, "render", noted)
    before = gc.get_threshold()
    env = {**EPOCH, "GONGKAI_SERIAL": "1"}  # every page rendered in this process
    assert mkdocs_build(ROOT, tmp_path / "site", env=env).returncode == 0
    assert seen and set(seen) == {memory.YOUNG_OBJECTS}
    assert gc.get_threshold() == before
    project = copy_project(tmp_path / "broken")  # a failed build leaves it as it was too
    (project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml").write_text("year: [", "utf-8")
    assert mkdocs_build(project, tmp_path / "none", env=env).returncode != 0
    assert gc.get_threshold() == before


@pytest.mark.parametrize("serial", [False, True], ids=["two-cores", "one-core"])
@pytest.mark.parametrize("said", ["as-they-come", "two-fewer", "two-more"])
def test_text_files_written_as_the_pages_come_equal_the_index_of_all_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, serial: bool, said: str
) -> None:
    # The build says which pages will come, so that each page's text file is written as it
    # comes; should other pages come than were said, the index is still that of the pages.
    if serial:
        monkeypatch.setenv("GONGKAI_SERIAL", "1")
    pages = _sample_pages(300)
    coming = {"as-they-come": pages, "two-fewer": pages[2:], "two-more": pages[:-2]}[said]
    write_fulltext(coming, tmp_path / "all")
    (tmp_path / "streamed/search/t").mkdir(parents=True)
    (tmp_path / "streamed/search/t/999.js").write_text("an earlier build's", "utf-8")
    writer = IndexWriter(tmp_path / "streamed")
    writer.expect([page.order() for page in pages])
    for page in reversed(coming):
        writer.add(page)
    writer.close()
    assert fingerprint(tmp_path / "streamed") == fingerprint(tmp_path / "all")


def test_each_text_file_is_written_when_its_page_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GONGKAI_SERIAL", "1")  # the pages are added in this process
    pages = _sample_pages(40)
    writer = IndexWriter(tmp_path)
    writer.expect([page.order() for page in pages])
    number = sorted(page.order() for page in pages).index(pages[7].order())
    writer.add(pages[7])
    text = (tmp_path / f"search/t/{number}.js").read_text("utf-8")
    assert text.startswith(f"GK_T({number},") and pages[7].sections[0].text in text
    assert len(list((tmp_path / "search/t").iterdir())) == 1
    for page in pages:
        if page is not pages[7]:
            writer.add(page)
    writer.close()
    write_fulltext(pages, tmp_path / "all")
    assert fingerprint(tmp_path / "search") == fingerprint(tmp_path / "all/search")


def test_a_build_says_each_page_the_index_will_get(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every page sent to the index was said beforehand, with the place it sorts at: the
    # site's own pages, the home page (whose address MkDocs writes two ways) and each kind
    # of generated page.
    said: list[Any] = []
    sent: list[Any] = []
    expect, add = IndexWriter.expect, IndexWriter.add
    monkeypatch.setattr(IndexWriter, "expect", lambda w, p: said.extend(p) or expect(w, p))
    monkeypatch.setattr(IndexWriter, "add", lambda w, p: sent.append(p.order()) or add(w, p))
    env = {**EPOCH, "GONGKAI_SERIAL": "1"}  # every page sent from this process
    assert mkdocs_build(ROOT, tmp_path / "site", env=env).returncode == 0
    assert sorted(sent) == sorted(said)
    assert len(set(said)) == len(said) > 15
    assert {rank for rank, _, _ in said} == {0, 1, 2, 5, 9}
    assert (5, 0, "") in said


def test_generated_pages_outside_the_navigation_skip_the_markdown_conversion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Their Markdown is front matter only: no converter is made for them (one with every
    # extension per page was a tenth of the build), only for the pages MkDocs' navigation
    # makes and the site's own Markdown pages. The site is the same (other tests, byte for byte).
    import markdown

    from gongkai.render.generated import FrontMatterPage

    made: list[object] = []
    convert = markdown.Markdown.__init__

    def counted(converter: markdown.Markdown, *args: Any, **kwargs: Any) -> None:
        made.append(converter)
        convert(converter, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counted)
    env = {**EPOCH, "GONGKAI_SERIAL": "1"}  # every page made in this process
    assert mkdocs_build(ROOT, tmp_path / "site", env=env).returncode == 0
    planned = plan(load_site(Settings(root=ROOT)).catalog)
    own = len(list((ROOT / "docs").glob("*.md")))
    checking_settings = 1  # MkDocs makes one as it checks mkdocs.yml's extensions
    assert len(made) == sum(page.in_nav for page in planned) + own + checking_settings
    assert sum(not page.in_nav for page in planned) > 10

    # Should such a page hold Markdown after all, it is converted as MkDocs would.
    page = FrontMatterPage.__new__(FrontMatterPage)
    page.markdown = "# 标题\n\n正文"
    page.file = None  # type: ignore[assignment]
    rendered: list[str] = []
    monkeypatch.setattr(
        "mkdocs.structure.pages.Page.render", lambda self, c, f: rendered.append(self.markdown)
    )
    page.render(None, None)  # type: ignore[arg-type]
    assert rendered == ["# 标题\n\n正文"]


def test_generated_pages_outside_the_navigation_are_not_parsed_for_their_front_matter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their front matter's data is read from the values it was written from (JSON), not parsed
    again by PyYAML's pure-Python parser; only the pages MkDocs' navigation makes and the site's
    own Markdown pages are. What the page reads is what the parser reads."""
    from mkdocs.utils import meta

    parsed: list[str] = []
    get_data = meta.get_data

    def counted(source: str) -> tuple[str, dict[str, Any]]:
        parsed.append(source)
        return get_data(source)

    monkeypatch.setattr(meta, "get_data", counted)
    env = {**EPOCH, "GONGKAI_SERIAL": "1"}  # every page made in this process
    assert mkdocs_build(ROOT, tmp_path / "site", env=env).returncode == 0
    planned = plan(load_site(Settings(root=ROOT)).catalog)
    own = len(list((ROOT / "docs").glob("*.md")))
    assert len(parsed) == sum(page.in_nav for page in planned) + own

    from mkdocs.config import load_config

    from gongkai.render.generated import FrontMatterPage, GeneratedPage

    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "unused"))
    hooks = config.hooks["hooks/gongkai_site.py"]
    for site_page in planned:
        text = hooks._front_matter(site_page, config)
        file = GeneratedPage(site_page.src_uri, None, str(tmp_path), config.use_directory_urls)
        file.content_string, file.json_front = text, True
        page = FrontMatterPage(None, file, config)
        page.read_source(config)
        assert (page.markdown, page.meta) == get_data(text), site_page.src_uri


def test_the_frame_parts_rendered_once_are_the_ones_each_page_would_get(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Material's style sheets, scripts, settings, footer and header (around the page's title)
    are rendered once for the pages that reach the site's root the same way from one top
    folder: the site is byte for byte the one where each page renders its own."""
    from gongkai.render import environment

    env = {**EPOCH, "GONGKAI_SERIAL": "1"}
    assert mkdocs_build(ROOT, tmp_path / "reused", env=env).returncode == 0

    def rendered_by_each_page(theme: Any) -> Any:
        theme = environment.theme_environment(theme)
        theme.globals["gk_same"] = lambda part, render: render()
        theme.globals["gk_header"] = lambda render, topic: render()
        theme.globals["gk_toc"] = lambda toc, render: render()
        return theme

    from mkdocs.config import load_config

    # MkDocs reads a hooks file once a process: the module the builds use
    hooks = load_config(str(ROOT / "mkdocs.yml")).hooks["hooks/gongkai_site.py"]
    monkeypatch.setattr(hooks, "theme_environment", rendered_by_each_page)
    assert mkdocs_build(ROOT, tmp_path / "own", env=env).returncode == 0
    assert fingerprint(tmp_path / "reused") == fingerprint(tmp_path / "own")


def _deaf_to_terminate(ready: Any) -> None:  # a child stuck where SIGTERM does not end it
    import signal
    import time

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    ready.set()
    time.sleep(600)


def test_children_left_by_a_stopped_build_are_all_ended_in_bounded_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stopped by Ctrl+C, a build ends every child it still has, even ones no part of it
    stopped and ones deaf to the request to end (Python, at exit, would wait for them without
    end): all are asked at once and those still there after the wait are killed, so two such
    children cost one wait, not two."""
    import time

    from gongkai.outputs import background

    monkeypatch.setattr(background, "STOP_SECONDS", 2.0)
    context = multiprocessing.get_context("fork")
    children = []
    for _ in range(2):
        ready = context.Event()
        child = context.Process(target=_deaf_to_terminate, args=(ready,), daemon=True)
        child.start()
        assert ready.wait(30)
        children.append(child)
    started = time.monotonic()
    background.stop_children()
    took = time.monotonic() - started
    assert [child.is_alive() for child in children] == [False, False]
    assert [child.exitcode for child in children] == [-9, -9]  # killed, after the one wait
    assert multiprocessing.active_children() == []
    assert 2.0 <= took < 3.5, took  # one after the other: 4 s at least


def test_a_build_does_not_load_the_previews_file_watcher() -> None:
    # watchdog's system watcher (and ctypes) took 20 ms of every build's start; only
    # `gongkai serve` uses it, and loads it when it starts serving.
    import subprocess

    script = (
        "import importlib.util, sys\n"
        "spec = importlib.util.spec_from_file_location('gongkai_site', sys.argv[1])\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['gongkai_site'] = module\n"
        "spec.loader.exec_module(module)\n"
        "print(sorted(m for m in ('watchdog.observers.inotify', 'gongkai.watching') if m in sys.modules))"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "hooks/gongkai_site.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.strip() == "[]", ran.stdout + ran.stderr
