import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import copy_project, fingerprint, mkdocs_build, running

from gongkai.checks.figures import totals, trend
from gongkai.checks.indicators import filled_columns, layout
from gongkai.files import NO_CACHE
from gongkai.model.report import BudgetYear, Indicator
from gongkai.model.slug import MEMO_FILE, slugify


def test_slugs_are_pinyin_words() -> None:
    assert slugify("保安费用") == "baoan-feiyong"
    assert slugify("接访费用") == "jiefang-feiyong"
    assert slugify("驻京驻蓉信访维稳经费") == "zhujing-zhurong-xinfang-weiwen-jingfei"
    assert slugify("2023年 LED屏采购（一期）").startswith("2023-nian-led")
    # Polyphonic characters read in context.
    assert slugify("会计核算").startswith("kuaiji")
    assert slugify("银行") == "yinhang"


def test_homophones_give_the_same_slug() -> None:
    # Hence the catalog reports the collision instead of overwriting a page.
    assert slugify("公示") == slugify("公式")


def _line(year: int, initial: int | None, executed: int | None, **more: int) -> BudgetYear:
    return BudgetYear(year=year, initial=initial, executed=executed, **more)


def test_trend_computes_adjusted_rate_and_change() -> None:
    rows = trend([_line(2023, 50000, 150000, supplementary=100000), _line(2022, 50000, 50000)])
    assert [r.year for r in rows] == [2022, 2023]
    assert rows[1].adjusted == Decimal(150000)
    assert rows[1].rate == Decimal(1)
    assert rows[1].executed_change == Decimal(2)  # +200 %, not the "+66%" the report states
    assert rows[0].executed_change is None


def test_trend_with_reduction_and_gap() -> None:
    rows = trend([_line(2020, 100000, 80000, reduction=20000), _line(2022, 100000, 45000)])
    assert rows[0].adjusted == Decimal(80000) and rows[0].rate == Decimal(1)
    assert rows[1].rate == Decimal("0.45")
    assert rows[1].executed_change is None  # 2021 missing: no change over two years


def test_a_stated_change_that_cannot_be_checked_says_why() -> None:
    said = {"stated_change": "较上年增长100%"}
    from_zero = trend(
        [_line(2022, 0, 0), BudgetYear(year=2023, initial=50000, executed=50000, **said)]
    )
    assert from_zero[1].stated_agrees is None and not from_zero[1].contradiction
    assert from_zero[1].unverifiable == "2022年金额为零，增长幅度无法计算，报告所述变化无法核对"
    gap = trend([_line(2021, 100, 100), BudgetYear(year=2023, initial=200, executed=200, **said)])
    assert gap[1].unverifiable == "报告未列2022年的金额，较上年变化无法核对"
    blank = trend(
        [_line(2022, 100, None), BudgetYear(year=2023, initial=None, executed=None, **said)]
    )
    assert blank[1].unverifiable == "报告未写明2022年或2023年的金额，较上年变化无法核对"
    # Checkable ones carry no reason: 100 → 200 is +100 %, as stated; 100 → 150 contradicts it.
    kept = trend([_line(2022, 100, 100), BudgetYear(year=2023, initial=200, executed=200, **said)])
    assert kept[1].stated_agrees is True and kept[1].unverifiable is None
    wrong = trend([_line(2022, 100, 100), BudgetYear(year=2023, initial=150, executed=150, **said)])
    assert wrong[1].contradiction and wrong[1].unverifiable is None
    # "无变化" over zero is checked by the amounts: 0 → 0 holds, 0 → 50 does not.
    flat = {"stated_change": "较上年无变化"}
    still = trend([_line(2022, 0, 0), BudgetYear(year=2023, initial=0, executed=0, **flat)])
    assert still[1].stated_agrees is True and still[1].unverifiable is None
    moved = trend([_line(2022, 0, 0), BudgetYear(year=2023, initial=50, executed=50, **flat)])
    assert moved[1].contradiction
    # Nothing stated, nothing to check.
    assert trend([_line(2022, 0, 0), _line(2023, 5, 5)])[1].unverifiable is None


def test_totals_add_only_projects_with_both_figures() -> None:
    result = totals(
        [
            ("甲", _line(2023, 80000, 80000)),
            ("乙", _line(2023, 20000, None)),
            ("丙", None),
            ("丁", _line(2023, None, 5000)),
        ]
    )
    assert result.count == 4 and result.included == 1
    # Budget and execution from the same project only: 80000 / 80000, not 85000 / 100000.
    assert (result.adjusted, result.executed, result.rate) == (80000, 80000, 1)
    assert result.left_out == [("乙", "实际执行"), ("丙", "全年预算、实际执行"), ("丁", "全年预算")]
    assert not result.complete


def test_indicator_layout_merges_like_the_form() -> None:
    rows = [
        Indicator(level1="产出指标", level2="数量指标", name="a"),
        Indicator(level1="产出指标", level2="数量指标", name="b"),
        Indicator(level1="产出指标", level2="质量指标", name="c"),
        Indicator(level1="效益指标", level2="数量指标", name="d"),
        Indicator(level1="满意度指标", level2="服务对象满意度指标", target="满意"),
    ]
    laid = layout(rows)
    assert [r.level1_span for r in laid] == [3, 0, 0, 1, 1]
    assert [r.level2_span for r in laid] == [2, 0, 1, 1, 1]
    shown, blank = filled_columns(rows)
    assert shown == [("target", "指标值")]
    assert "权重" in blank


_READ_NAMES = """
import json, sys
from pathlib import Path
from gongkai.model import slug
from gongkai.settings import Settings
from gongkai.site import load_site
root = Path(sys.argv[1])
read = []
in_a_child = slug._read_in_a_child
def counted(slugs, keys):
    read.extend([*slugs, *keys])
    return in_a_child(slugs, keys) if sys.argv[2] == "fork" else None
slug._read_in_a_child = counted
site = load_site(Settings(root=root))
keys = [slug.pinyin_key(d.name) for d in site.catalog.departments.values()]
slug.remember(root)
loaded = [name for name in ("jieba", "pypinyin") if name in sys.modules]
slugs = [e.slug for e in site.catalog.reports]
print(json.dumps({"loaded": loaded, "read": len(read), "slugs": slugs, "keys": keys}))
"""


def _read_names(root: Path, how: str = "fork") -> dict[str, Any]:
    """The names a site's data is read with, in a process of its own: its names read in a
    forked child (``fork``), or in that process (``here``, as where none can be forked)."""
    ran = subprocess.run(
        [sys.executable, "-c", _READ_NAMES, str(root), how], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def test_a_build_remembers_what_names_read_as_for_the_next(tmp_path: Path) -> None:
    # The sample's reports name no URL of their own: each build read every name with jieba
    # and pypinyin (0.7 s to load their dictionaries). The next build of the same names
    # loads neither, and reads the same URL names and pinyin.
    project = copy_project(tmp_path / "project")
    first = _read_names(project)
    assert first["read"] and "baoan-feiyong" in first["slugs"] and first["keys"]
    # Read by a child: the build itself never holds the dictionaries (130 MiB).
    assert first["loaded"] == []
    again = _read_names(project)
    assert again == {**first, "read": 0}

    memo = project / MEMO_FILE
    held = json.loads(memo.read_text(encoding="utf-8"))
    # A memo of other code, or holding what is no URL name, is not believed.
    memo.write_text(json.dumps({**held, "recipe": "older"}), encoding="utf-8")
    assert _read_names(project) == first
    # Where no child can be forked, the same names are read in the build's own process.
    memo.unlink()
    assert _read_names(project, "here") == {**first, "loaded": ["jieba", "pypinyin"]}
    name = next(iter(held["slugs"]))
    bad = {**held, "slugs": {**held["slugs"], name: "../../etc"}}
    memo.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    assert _read_names(project)["slugs"] == first["slugs"]
    memo.write_text("{not json", encoding="utf-8")
    assert _read_names(project) == first
    # A renamed project's old name is not kept.
    assert set(json.loads(memo.read_text(encoding="utf-8"))["slugs"]) == set(held["slugs"])


@pytest.mark.parametrize("index_fails", [False, True])
def test_no_child_of_a_build_reads_a_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, index_fails: bool
) -> None:
    # The child that writes pages is forked from the build; a name it read (the feed's, the
    # site name) cost it 0.7 s of loading jieba and pypinyin on every build, and was never
    # kept for the next. The names are read together before any page: by the index's child,
    # which loads both dictionaries for the pages' names anyway (no other child is forked to
    # load them again), or, if it fails to, by the build (or a child it forks).
    from gongkai.model import slug

    forked: list[bool] = []
    fork = slug._Reader.fork.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        slug._Reader, "fork", classmethod(lambda cls, warm: forked.append(warm) or fork(cls, warm))
    )
    if index_fails:
        load = slug._load_dictionaries

        def failing() -> None:
            if multiprocessing.current_process().name == "gongkai-index":
                raise MemoryError
            load()

        monkeypatch.setattr(slug, "_load_dictionaries", failing)

    where = tmp_path / "read-in"

    def spied(work: Any) -> Any:
        def read(name: str) -> Any:
            with where.open("a", encoding="utf-8") as record:
                record.write(f"{multiprocessing.current_process().name}\t{name}\n")
            return work(name)

        return read

    monkeypatch.setattr(slug, "_worked_out_slug", spied(slug._worked_out_slug.__wrapped__))
    monkeypatch.setattr(slug, "_worked_out_key", spied(slug._worked_out_key))
    for known in ("_slugs", "_keys"):
        monkeypatch.setattr(slug, known, {})
    monkeypatch.setenv(NO_CACHE, "1")
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project, tmp_path / "site").returncode == 0
    read = [line.split("\t") for line in where.read_text(encoding="utf-8").splitlines()]
    assert "攀枝花市西区预算项目支出绩效信息公开" in {name for _, name in read}
    assert "保安费用" in {name for _, name in read}
    readers = {process for process, _ in read}
    assert readers == ({"MainProcess"} if index_fails else {"gongkai-index"})
    assert forked == ([False] if index_fails else [])
    # The same URL names either way.
    assert (tmp_path / "site/2023/baoan-feiyong/index.html").is_file()


def test_names_a_child_failed_to_read_are_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.model import slug

    build = os.getpid()
    worked_out = slug._worked_out_slug.__wrapped__
    tried = tmp_path / "tried"

    def only_here(name: str) -> str:
        if os.getpid() != build:  # the names child: killed, as the system may end one
            tried.write_text(name, encoding="utf-8")
            os.kill(os.getpid(), signal.SIGKILL)
        return str(worked_out(name))

    for known in ("_slugs", "_keys"):
        monkeypatch.setattr(slug, known, {})
    monkeypatch.setattr(slug, "_worked_out_slug", only_here)
    monkeypatch.setattr(slug.threading, "active_count", lambda: 1)  # xdist's own threads
    slug.read_ahead(["保安费用"], ["信访局"])
    assert tried.read_text(encoding="utf-8") == "保安费用"
    assert slug._slugs == {"保安费用": "baoan-feiyong"}
    assert slug._keys == {"信访局": ["xin", "fang", "ju"]}
    assert slugify("保安费用") == "baoan-feiyong"


_EARLY = """
import json, os, sys
from pathlib import Path
from gongkai.model import catalog, slug
from gongkai.model.errors import DataErrors
from gongkai.settings import Settings
from gongkai.site import load_site
events = []
fork, read_report = slug._Reader.fork.__func__, catalog._read_report
slug._Reader.fork = classmethod(lambda cls, warm: events.append(f"fork {warm}") or fork(cls, warm))
catalog._read_report = lambda *a: events.append("read") or read_report(*a)
try:
    slugs = [e.slug for e in load_site(Settings(root=Path(sys.argv[1]))).catalog.reports]
except DataErrors:
    slugs = None
try:
    left = os.waitpid(-1, os.WNOHANG)[0]  # a child not reaped, ended or not
except ChildProcessError:
    left = None
print(json.dumps({"events": events, "slugs": slugs, "left": left, "jieba": "jieba" in sys.modules}))
"""


def _early(project: Path) -> dict[str, Any]:
    ran = subprocess.run(
        [sys.executable, "-c", _EARLY, str(project)],
        capture_output=True,
        text=True,
        env={**os.environ, NO_CACHE: "1"},
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout)


def test_a_first_build_loads_the_dictionaries_while_it_reads_the_data(tmp_path: Path) -> None:
    # With no name known, the child that reads the names is forked before the first data file
    # is read: its dictionaries load meanwhile (the build waited 0.6 s for them at 1,000
    # project-years). It is the only child, reaped once it answered; the build loads neither.
    project = copy_project(tmp_path / "project")
    first = _early(project)
    assert first["events"][0] == "fork True" and "read" in first["events"]
    assert "fork False" not in first["events"]
    assert "baoan-feiyong" in first["slugs"] and first["left"] is None
    assert first["jieba"] is False
    # Data that cannot be read at all: no name is asked for, and the child is ended all the same.
    shutil.rmtree(project / "data")
    failed = _early(project)
    assert failed["slugs"] is None and failed["events"][0] == "fork True"
    assert failed["left"] is None


def test_the_early_names_child_ends_when_its_build_is_killed() -> None:
    # A build killed before it asked (the clerk's Ctrl-C, the system) leaves no child behind,
    # even while another process it forked meanwhile still holds the pipe the names come by.
    script = (
        "import os, time\nfrom gongkai.model import slug\nslug.start_reading()\n"
        "other = os.fork()\n"
        "if other == 0:\n    time.sleep(60)\n    os._exit(0)\n"
        "print(slug._early.pid, other, flush=True)\nos._exit(0)\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) as build:
        assert build.stdout is not None
        pid, other = map(int, build.stdout.readline().split())
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and running(pid):
            time.sleep(0.1)
        assert not running(pid)
    finally:
        os.kill(other, signal.SIGKILL)


def test_names_the_early_child_could_not_read_are_read_all_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from gongkai.model import slug

    for known in ("_slugs", "_keys"):
        monkeypatch.setattr(slug, known, {})
    monkeypatch.setattr(slug.threading, "active_count", lambda: 1)  # xdist's own threads
    slug.start_reading()
    assert slug._early is not None
    os.kill(slug._early.pid, signal.SIGKILL)
    slug.read_ahead(["保安费用"], ["信访局"])
    assert slug._early is None
    assert slug._slugs == {"保安费用": "baoan-feiyong"}
    assert slug._keys == {"信访局": ["xin", "fang", "ju"]}


def test_the_index_of_a_build_again_reads_no_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The index child read every page's names (pinyin for search) with jieba and pypinyin on
    # every build: 0.8 s of loading and 130 MiB. It keeps their readings for the next build,
    # which reads none of the same names again and writes the same index.
    from gongkai.outputs import search

    read = tmp_path / "read"

    def spied(name: str) -> Any:
        with read.open("a", encoding="utf-8") as record:
            record.write(name + "\n")
        return worked_out(name)

    worked_out = search._worked_out_readings.__wrapped__
    monkeypatch.setattr(search, "_worked_out_readings", spied)
    monkeypatch.setattr(search, "_readings", {})
    project = copy_project(tmp_path / "project")
    sites = []
    for build in range(4):
        if build == 2:  # a memo of other code is not believed
            memo = project / search.READINGS_MEMO
            held = json.loads(memo.read_text(encoding="utf-8"))
            memo.write_text(json.dumps({**held, "recipe": "older"}), encoding="utf-8")
        if build == 3:  # nor one holding what no reading is
            held["readings"]["保安费用"] = "baoan"
            memo.write_text(json.dumps(held, ensure_ascii=False), encoding="utf-8")
        read.write_text("", encoding="utf-8")
        assert mkdocs_build(project, tmp_path / f"site{build}").returncode == 0
        sites.append(fingerprint(tmp_path / f"site{build}" / "search"))
        names = read.read_text(encoding="utf-8").splitlines()
        assert ("保安费用" in names) == (build != 1), build
    assert sites[0] == sites[1] == sites[2] == sites[3]
    kept = json.loads((project / search.READINGS_MEMO).read_text(encoding="utf-8"))
    assert kept["readings"]["保安费用"] == [[["bao", "an"], ["fei", "yong"]]]


def test_each_index_keeps_its_own_projects_readings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process (or a child forked from it) that made one project's index, then makes
    # another's: what the first read and asked for is not the second's (the second's memo
    # was not written when the two happened to match).
    from gongkai.outputs import search

    monkeypatch.setattr(search, "_readings", {})
    monkeypatch.setattr(search, "_asked", set())
    monkeypatch.setattr(search, "_memo_holds", None)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    for memo in (first, first, second):
        search.recall_readings(memo)
        search.readings("保安费用")
        search.remember_readings(memo)
    assert json.loads(second.read_text(encoding="utf-8"))["readings"] == {
        "保安费用": [[["bao", "an"], ["fei", "yong"]]]
    }


def test_a_memo_that_cannot_be_written_is_only_not_kept(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / ".cache").write_text("a file where the folder would be", encoding="utf-8")
    assert _read_names(project)["slugs"]
    assert (project / ".cache").is_file()


def test_the_build_keeps_the_names_its_pages_sort_by(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    assert mkdocs_build(project, tmp_path / "site").returncode == 0
    memo = json.loads((project / MEMO_FILE).read_text(encoding="utf-8"))
    assert memo["keys"] and memo["slugs"]


def test_the_memo_works_in_the_standalone_program_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The standalone program holds neither the source nor the packages' records: the memo's
    # recipe is then its own version, and a build does not fail for it (it did: "写入失败").
    from importlib.metadata import PackageNotFoundError

    from gongkai.model import slug

    def unknown(package: str) -> str:
        raise PackageNotFoundError(package)

    usual = slug._recipe()
    monkeypatch.setattr(slug, "__file__", str(tmp_path / "not-there/slug.py"))
    monkeypatch.setattr(slug, "version", unknown)
    monkeypatch.setattr(slug, "_kept_at", set())
    monkeypatch.setattr(slug, "_recalled", set())
    slug._recipe.cache_clear()  # worked out once a process: here, again without them
    try:
        assert slug._recipe() != usual
        slugify("保安费用")
        slug.remember(tmp_path)
        memo = json.loads((tmp_path / MEMO_FILE).read_text(encoding="utf-8"))
        assert memo["slugs"]["保安费用"] == "baoan-feiyong"
        monkeypatch.setattr(slug, "_slugs", {})
        slug.recall(tmp_path)
        assert slug._slugs["保安费用"] == "baoan-feiyong"
    finally:
        slug._recipe.cache_clear()


def test_jieba_reads_its_dictionary_cache_whole_and_gets_the_same_dictionary(
    tmp_path: Path,
) -> None:
    import inspect
    import marshal

    from gongkai.model.slug import _WholeFileMarshal, quiet_jieba

    jieba = quiet_jieba()
    # jieba loads and writes its cache through its module's ``marshal``: the shim is used.
    assert jieba.marshal is _WholeFileMarshal
    source = inspect.getsource(jieba.Tokenizer.initialize)
    assert "marshal.load(cf)" in source and "marshal.dump(" in source
    # What it writes, marshal reads, and what marshal writes, it reads as marshal does.
    words = ({"保安": 120, "费用": 3, "驻京": 7}, 130)
    cache = tmp_path / "jieba.cache"
    with cache.open("wb") as file:
        _WholeFileMarshal.dump(words, file)
    with cache.open("rb") as file:
        assert marshal.load(file) == words
    with cache.open("rb") as file:
        assert _WholeFileMarshal.load(file) == words
    jieba.initialize()  # the real dictionary, from the cache it wrote or found
    folder = jieba.dt.tmp_dir or tempfile.gettempdir()
    with Path(jieba.dt.cache_file or Path(folder) / "jieba.cache").open("rb") as file:
        assert marshal.load(file) == (jieba.dt.FREQ, jieba.dt.total)
