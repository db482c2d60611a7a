"""Publication records: publish stamps once, check refuses silent changes, corrections show."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build, run_cli
from test_site import caption, soup, table_rows

BAOAN = "data/2023/xiqu-xinfangju/baoan-feiyong.yml"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def add_report(project: Path, year: int, name: str, slug: str, disclosure: str) -> Path:
    path = project / f"data/{year}/xiqu-xinfangju/{slug}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"# 测试\nname: {name}\nbudget:\n  - year: {year}\n    initial: 10000\n    executed: 9000\n"
        f"disclosure:\n{disclosure}",
        encoding="utf-8",
    )
    return path


def add_unpublished(project: Path, count: int) -> None:
    """``count`` approved reports of 2024 not yet published (新项目0, xin0, …)."""
    for number in range(count):
        add_report(
            project,
            2024,
            f"新项目{number}",
            f"xin{number}",
            "  targets:\n    approved: 2024-02-10\n",
        )


def test_publish_stamps_once_and_keeps_the_file_as_written(project: Path) -> None:
    path = add_report(
        project, 2024, "新项目", "xin", "  targets:\n    approved: 2024-02-10   # 财政批复\n"
    )
    first = run_cli(project, "publish", "--date", "2024-02-20")
    assert first.returncode == 0, first.stderr
    assert (
        "记录公开日期：data/2024/xiqu-xinfangju/xin.yml disclosure.targets.published = 2024-02-20"
        in first.stdout
    )
    assert (
        "编排索引号：data/2024/xiqu-xinfangju/xin.yml disclosure.index_number = xiqu-xinfangju-2024-0001"
        in first.stdout
    )
    text = path.read_text(encoding="utf-8")
    assert "    approved: 2024-02-10   # 财政批复\n    published: 2024-02-20\n" in text
    assert text.startswith("# 测试\nname: 新项目\n")
    records = json.loads((project / "data/publication-records.json").read_text(encoding="utf-8"))
    assert records["records"]["2024/xiqu-xinfangju/xin-xiangmu"] == {
        "disclosure.index_number": "xiqu-xinfangju-2024-0001",
        "disclosure.targets.published": "2024-02-20",
    }
    # Idempotent: a second run, even on another day, changes nothing.
    again = run_cli(project, "publish", "--date", "2024-03-01")
    assert again.returncode == 0 and "没有需要记录的公开事项" in again.stdout
    assert path.read_text(encoding="utf-8") == text


def test_publish_refuses_a_date_before_approval(project: Path) -> None:
    path = add_report(project, 2024, "新项目", "xin", "  targets:\n    approved: 2024-02-10\n")
    before = path.read_text(encoding="utf-8")
    result = run_cli(project, "publish", "--date", "2024-02-01")
    assert result.returncode == 1 and "不能早于批复日期" in result.stderr
    assert path.read_text(encoding="utf-8") == before


def test_publish_only_named_events_and_files(project: Path) -> None:
    add_report(
        project,
        2024,
        "甲",
        "jia",
        "  targets:\n    approved: 2024-02-10\n  self_evaluation:\n    approved: 2025-03-01\n",
    )
    add_report(project, 2024, "乙", "yi", "  targets:\n    approved: 2024-02-10\n")
    result = run_cli(
        project,
        "publish",
        "--date",
        "2024-02-12",
        "--event",
        "targets",
        "data/2024/xiqu-xinfangju/jia.yml",
    )
    assert result.returncode == 0, result.stderr
    assert "jia.yml disclosure.targets.published" in result.stdout
    assert "self_evaluation" not in result.stdout and "yi.yml" not in result.stdout


def test_changing_a_recorded_date_needs_a_correction(project: Path) -> None:
    path = project / BAOAN
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("    published: 2023-03\n", "    published: 2023-02\n"), encoding="utf-8"
    )
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert (
        "baoan-feiyong.yml 第17行 disclosure.targets.published：已公开的记录为 2023-03，现为 2023-02"
        in result.stderr
    )
    assert mkdocs_build(project, project / "site").returncode != 0  # the build refuses it too

    correction = (
        "corrections:\n  - date: 2024-05-06\n    field: disclosure.targets.published\n"
        "    old: 2023-03\n    new: 2023-02\n    reason: 原记录月份有误，以政府信息公开网发布记录为准\n"
    )
    path.write_text(path.read_text(encoding="utf-8") + correction, encoding="utf-8")
    assert run_cli(project, "check").returncode == 0
    site = project / "site"
    assert mkdocs_build(project, site).returncode == 0
    page = soup(site, "2023/baoan-feiyong/index.html")
    rows = table_rows(caption(page, "已公开内容的更正记录"))
    assert rows[1] == [
        "2024年5月6日",
        "绩效目标公开日期",
        "2023年3月",
        "2023年2月",
        "原记录月份有误，以政府信息公开网发布记录为准",
    ]
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    corrections = [e for e in feed.entries if e.title.startswith("更正：")]
    assert len(corrections) == 1 and "2023-03 → 2023-02" in corrections[0].summary

    # A correction whose old value is not the record is itself an error.
    path.write_text(
        path.read_text(encoding="utf-8").replace("    old: 2023-03\n", "    old: 2023-01\n"),
        encoding="utf-8",
    )
    result = run_cli(project, "check")
    assert (
        result.returncode == 1
        and "更正记录的原值 2023-01 与当时的记录 2023-03 不符" in result.stderr
    )


def test_a_published_report_cannot_disappear(project: Path) -> None:
    (project / BAOAN).unlink()
    result = run_cli(project, "check")
    assert result.returncode == 1
    assert (
        "data/publication-records.json 2023/xiqu-xinfangju/baoan-feiyong：已公开的报告不见了"
        in result.stderr
    )


def test_index_number_is_kept(project: Path) -> None:
    path = project / BAOAN
    path.write_text(
        path.read_text(encoding="utf-8").replace("xiqu-xinfangju-2023-0001", "X-1"),
        encoding="utf-8",
    )
    result = run_cli(project, "check")
    assert (
        result.returncode == 1
        and "disclosure.index_number：已公开的记录为 xiqu-xinfangju-2023-0001" in result.stderr
    )


def test_check_lists_due_and_overdue_events_with_exit_codes(project: Path) -> None:
    assert run_cli(project, "check").returncode == 0
    add_report(project, 2024, "快到期", "kuai", "  targets:\n    approved: 2024-02-10\n")
    due = run_cli(project, "check", "--today", "2024-02-27")
    assert due.returncode == 0
    assert "5 天内到期、尚未公开（截至 2024-02-27）" in due.stdout
    assert (
        "kuai.yml 快到期（2024年度）绩效目标：批复 2024-02-10，期限 2024-03-01，待公开（剩 3 天）"
        in due.stdout
    )
    quiet = run_cli(project, "check", "--today", "2024-02-20")
    assert quiet.returncode == 0 and "到期" not in quiet.stdout
    wider = run_cli(project, "check", "--today", "2024-02-20", "--due-days", "10")
    assert "待公开（剩 10 天）" in wider.stdout
    overdue = run_cli(project, "check", "--today", "2024-03-05")
    assert overdue.returncode == 3
    assert "已逾期 4 天未公开" in overdue.stderr


def test_sample_site_shows_every_reference_event_as_unknown(built_site: Path) -> None:
    page = soup(built_site, "shixiao/index.html")
    summary = table_rows(caption(page, "各年度公开事项的时效"))
    assert summary[0] == ["年度", "按时公开", "逾期公开", "待公开", "已逾期未公开", "无法核实"]
    assert summary[1] == ["2023年度", "0", "0", "0", "0", "8"]
    rows = table_rows(caption(page, "2023年度各项目公开时效"))
    targets = [r for r in rows if r[2] == "绩效目标"]
    assert len(targets) == 4 and all(r[-1] == "无法核实（日期只精确到月）" for r in targets)
    assert "《中华人民共和国预算法》第十四条" in page.get_text()


def test_each_status_on_the_built_timeliness_page(project: Path) -> None:
    cases = {
        "anshi": "  targets:\n    approved: 2024-01-31\n    published: 2024-02-20\n",
        "yuqi": "  targets:\n    approved: 2024-01-05\n    published: 2024-02-28\n",
        "daigongkai": "  targets:\n    approved: 2024-02-20\n",
        "weigongkai": "  targets:\n    approved: 2024-01-02\n",
        "buzhun": "  targets:\n    approved: 2024-01\n    published: 2024-02\n",
    }
    for slug, disclosure in cases.items():
        add_report(project, 2024, f"项目{slug}", slug, disclosure)
    site = project / "site"
    # 2024-03-01 00:00 in China: SOURCE_DATE_EPOCH fixes "today" for a reproducible build.
    result = mkdocs_build(project, site, env={"SOURCE_DATE_EPOCH": "1709222400"})
    assert result.returncode == 0, result.stderr
    page = soup(site, "shixiao/index.html")
    rows = {
        r[0]: r for r in table_rows(caption(page, "2024年度各项目公开时效")) if r[2] == "绩效目标"
    }
    assert rows["项目anshi"][3:] == [
        "2024年1月31日",
        "2024年2月20日",
        "2024年2月20日",
        "按时公开（用时20天）",
    ]
    assert rows["项目yuqi"][-1] == "逾期34天"
    assert rows["项目daigongkai"][-1] == "待公开（剩10天）"
    assert rows["项目weigongkai"][-1] == "已逾期39天未公开"
    assert rows["项目buzhun"][-1] == "无法核实（日期只精确到月）"
    summary = table_rows(caption(page, "各年度公开事项的时效"))
    assert summary[1] == ["2024年度", "1", "1", "1", "1", "6"]
    assert "统计截至2024年3月1日" in page.get_text().replace(" ", "")


def test_feed_is_atom_and_lists_the_sample_disclosures(built_site: Path) -> None:
    raw = (built_site / "feed.xml").read_bytes()
    feed = feedparser.parse(raw)
    assert feed.bozo == 0 and feed.version == "atom10"
    assert feed.feed.id and feed.feed.title and feed.feed.updated
    # The sample was published "2023年3月": no day is known, so no entry claims one.
    assert feed.entries == []
    assert "只精确到月的事项" in feed.feed.subtitle
    assert b"2023-03-01" not in raw
    for page in built_site.rglob("*.html"):
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert 'type="application/atom+xml"' in head, page


def test_sample_records_are_committed() -> None:
    records = json.loads((ROOT / "data/publication-records.json").read_text(encoding="utf-8"))
    assert len(records["records"]) == 4


@pytest.mark.parametrize(
    ("damage", "where"),
    [
        (lambda text: text[: len(text) // 2], "第"),  # cut short by a crash or a full disk
        (lambda text: "不是 JSON\n", "第1行"),
        (lambda text: '{"records": "x", "serials": {}}\n', "内容结构不对"),
        (lambda text: text.encode("utf-16").decode("latin-1"), "不是 UTF-8 文本"),
    ],
)
def test_damaged_records_are_named_with_the_way_back_never_a_traceback(
    project: Path, damage, where: str
) -> None:
    """A publication-records file cut short, not JSON, edited out of shape or not UTF-8: check
    and publish both stop with a Chinese message that names the file and the place and says how
    to restore it; publish leaves the damaged file as it is (no record is overwritten)."""
    assert run_cli(project, "publish").returncode == 0
    records = project / "data/publication-records.json"
    damaged = damage(records.read_text(encoding="utf-8"))
    records.write_bytes(damaged.encode("latin-1") if "UTF-8" in where else damaged.encode())
    before = records.read_bytes()
    for command in ("check", "publish"):
        result = run_cli(project, command)
        assert result.returncode == 1, (command, result.stdout, result.stderr)
        message = result.stdout + result.stderr
        assert "Traceback" not in message
        assert "publication-records.json" in message and "公开记录文件已损坏" in message
        assert where in message and "git checkout" in message
    assert records.read_bytes() == before


def test_a_write_that_fails_leaves_the_old_file_and_no_leftover(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The atomic write: when the rename fails (as a kill or a full disk would stop it), the old
    content stays whole and no temporary file is left beside it."""
    import os

    from gongkai import files

    target = tmp_path / "publication-records.json"
    target.write_text('{"old": true}\n', encoding="utf-8")

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        files.write_text_atomically(target, '{"new": true}\n')
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["publication-records.json"]
    monkeypatch.undo()
    files.write_text_atomically(target, '{"new": true}\n')
    assert json.loads(target.read_text(encoding="utf-8")) == {"new": True}


def test_one_writer_at_a_time_and_a_dead_writer_is_taken_over(project: Path) -> None:
    """While a publish holds the data folder, a second writer waits, then says who holds it
    (command, process, since when) and exits 5, writing nothing; a lock left by a process that
    died is taken over and the clerk is told to check."""
    import subprocess
    import sys

    from gongkai.lock import lock_path, writer_lock

    folder = project / "data"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from gongkai.lock import writer_lock\n"
            f"with writer_lock(Path({str(folder)!r}), 'publish'):\n"
            "    print('held', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        before = (folder / "publication-records.json").exists()
        result = run_cli(project, "publish")
        assert result.returncode == 5, result.stderr
        assert "正由另一个命令写入" in result.stderr and "gongkai publish" in result.stderr
        assert f"进程 {holder.pid}" in result.stderr
        assert (folder / "publication-records.json").exists() == before
    finally:
        holder.kill()
        holder.wait()
    # The killed holder's note is still in the lock file: the next writer takes over and says so.
    assert "publish" in lock_path(folder).read_text(encoding="utf-8")
    with writer_lock(folder, "import") as unfinished:
        assert unfinished is not None and unfinished.command == "publish"
        assert "没有正常结束" in unfinished.message() and str(holder.pid) in unfinished.message()
    assert lock_path(folder).read_text(encoding="utf-8") == ""  # a clean end leaves no holder
    assert run_cli(project, "publish").returncode == 0


def test_a_writer_that_stops_with_an_error_leaves_no_note_of_an_unfinished_run(
    tmp_path: Path,
) -> None:
    """A mistyped date stops publish before it writes: the next writer is not told that a
    run did not finish (a false alarm the clerk was given after every such mistake)."""
    from gongkai.lock import lock_path

    project = copy_project(tmp_path / "project")
    refused = run_cli(project, "publish", "--date", "2024-13-01")
    assert refused.returncode == 1 and "日期应写成" in refused.stderr, refused.stderr
    assert lock_path(project / "data").read_text(encoding="utf-8") == ""
    published = run_cli(project, "publish", "--date", "2024-02-20")
    assert published.returncode == 0, published.stderr
    assert "没有正常结束" not in published.stderr


def _run_limited(project: Path, *args: str, fsize: int | None = None) -> tuple[int, str]:
    """The command line in a child process, its files limited to ``fsize`` bytes (a full disk:
    the write fails with EFBIG instead of the process being killed)."""
    import resource
    import signal
    import subprocess
    import sys

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    result = subprocess.run(
        [sys.executable, "-m", "gongkai.commands.cli", *args],
        cwd=project,
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
    )
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("room", [64, 400, 1200])
def test_a_full_disk_or_a_read_only_folder_is_said_and_leaves_no_half_file(
    project: Path, room: int
) -> None:
    """publish on a full disk (files limited to ``room`` bytes: the lock's note, a data file or
    the records fail to be written) and on a read-only data folder: a Chinese message, exit 1,
    no traceback, every file whole; run again with room, it finishes."""
    import os
    import stat

    add_unpublished(project, 3)  # publish writes their data files and the records
    data = project / "data"
    files = sorted(p for p in data.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    code, said = _run_limited(project, "publish", "--date", "2024-02-20", fsize=room)
    assert code == 1 and "Traceback" not in said, said
    assert "磁盘已满" in said
    for path, content in before.items():  # each file is the old one or a whole new one
        now = path.read_bytes()
        assert now == content or now.decode("utf-8").strip(), path
    assert not [p for p in data.rglob("*.tmp")]

    for path in [data, *data.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        if os.geteuid() != 0:  # root writes anyway; the message is checked where it can be
            code, said = _run_limited(project, "publish")
            assert code == 1 and "没有写入权限" in said and "Traceback" not in said, said
    finally:
        for path in [data, *data.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)

    code, said = _run_limited(project, "publish", "--date", "2024-02-20")
    assert code == 0, said
    records = json.loads((data / "publication-records.json").read_text(encoding="utf-8"))
    recorded = [k for k in records["records"] if "/xin-xiangmu-" in k]
    assert len(recorded) == 3, sorted(records["records"])
    for number in range(3):  # every report recorded, in the records and in its data file
        text = (data / f"2024/xiqu-xinfangju/xin{number}.yml").read_text(encoding="utf-8")
        assert "published: 2024-02-20" in text
    assert run_cli(project, "check").returncode in (0, 3)


def test_a_publish_killed_before_it_saved_the_records_never_gives_a_number_twice(
    project: Path,
) -> None:
    """Found by the fault trials: publish numbers the files one by one and saves the records
    last; killed between, the files hold numbers the serials do not count. The rerun gives
    the next report a fresh number, not one already in a file."""
    add_unpublished(project, 3)
    records = project / "data/publication-records.json"
    saved = records.read_bytes()
    assert run_cli(project, "publish", "--date", "2024-02-20").returncode == 0
    (project / "data/2024/xiqu-xinfangju/xin2.yml").write_text(  # not reached before the kill
        "# 测试\nname: 新项目2\nbudget:\n  - year: 2024\n    initial: 10000\n    executed: 9000\n"
        "disclosure:\n  targets:\n    approved: 2024-02-10\n",
        encoding="utf-8",
    )
    records.write_bytes(saved)  # the records were never saved
    assert run_cli(project, "publish", "--date", "2024-02-20").returncode == 0
    numbers = [
        yaml.safe_load(
            (project / f"data/2024/xiqu-xinfangju/xin{n}.yml").read_text(encoding="utf-8")
        )["disclosure"]["index_number"]
        for n in range(3)
    ]
    assert len(set(numbers)) == 3, numbers
    assert numbers[2].endswith("0003"), numbers
    assert run_cli(project, "check").returncode in (0, 3)


@pytest.mark.parametrize("errno_name", ["EROFS", "EACCES"])
def test_a_read_only_filesystem_is_said_even_to_root(
    project: Path, monkeypatch: pytest.MonkeyPatch, errno_name: str
) -> None:
    """Root ignores file modes, so CI (run as root) checks the read-only data folder here: the
    filesystem refuses every new file, as a read-only mount or a locked-down share does."""
    import errno
    import os
    import tempfile

    add_report(project, 2024, "新项目", "xin", "  targets:\n    approved: 2024-02-10\n")
    before = {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()}
    code = getattr(errno, errno_name)

    def refused(*args: object, dir: str | None = None, **kwargs: object) -> object:
        raise OSError(code, os.strerror(code), dir)

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    result = run_cli(project, "publish", "--date", "2024-02-20")
    said = result.stdout + result.stderr
    assert result.returncode == 1 and "没有写入权限" in said and "Traceback" not in said, said
    assert {p: p.read_bytes() for p in (project / "data").rglob("*") if p.is_file()} == before


def test_a_publish_killed_before_it_saved_the_records_ends_as_an_uninterrupted_one(
    tmp_path: Path,
) -> None:
    """The narrowest window of a kill: every file stamped, the records not yet saved. Run
    again, publish finds the numbers in the files and must leave the records — serials
    included — as one uninterrupted run does (a fault trial in CI once landed there)."""
    whole = copy_project(tmp_path / "whole")
    add_unpublished(whole, 12)
    assert run_cli(whole, "publish", "--date", "2024-02-20").returncode == 0
    killed = tmp_path / "killed"
    shutil.copytree(whole, killed)
    # The state the kill left: the stamped files, and the records as they were before.
    (killed / "data/publication-records.json").write_text(
        (ROOT / "data/publication-records.json").read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert run_cli(killed, "publish", "--date", "2024-02-20").returncode == 0
    after = json.loads((killed / "data/publication-records.json").read_text(encoding="utf-8"))
    expected = json.loads((whole / "data/publication-records.json").read_text(encoding="utf-8"))
    assert after == expected and after["serials"]["xiqu-xinfangju/2024"] == 12
    # And the next report takes the next number, as it would have.
    add_report(killed, 2024, "再一个项目", "zai", "  targets:\n    approved: 2024-02-10\n")
    assert run_cli(killed, "publish", "--date", "2024-02-21").returncode == 0
    text = (killed / "data/2024/xiqu-xinfangju/zai.yml").read_text(encoding="utf-8")
    assert "index_number: xiqu-xinfangju-2024-0013" in text
