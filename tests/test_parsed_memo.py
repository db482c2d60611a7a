"""The memo of parsed data files (gongkai/model/parsedmemo.py): a build again parses only
the files that changed, reads the same data, and a memo that is stale, broken or tampered
with is never believed (nor run)."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from conftest import copy_project, fingerprint, mkdocs_build

from gongkai.model import catalog, loader
from gongkai.model.catalog import load_catalog
from gongkai.model.errors import DataErrors
from gongkai.model.parsedmemo import PARSED_MEMO, ParsedMemo


@pytest.fixture()
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts parsed, in order (the in-process cache of a serve session left out)."""
    texts: list[str] = []
    parse = loader.parse_yaml

    def counted(text: str, shown_as: str) -> object:
        texts.append(shown_as)
        return parse(text, shown_as)

    monkeypatch.setattr(loader, "parse_yaml", counted)
    monkeypatch.setattr(catalog, "_READ", {})
    monkeypatch.setattr(catalog, "_PLACED", {})
    return texts


def _read(project: Path, **options: object) -> catalog.Catalog:
    catalog._READ.clear()
    return load_catalog(project / "data", memo=project / PARSED_MEMO, **options)  # type: ignore[arg-type]


def _seen(found: catalog.Catalog) -> list[tuple[str, object]]:
    return [(entry.key, entry.report.model_dump()) for entry in found.reports]


def test_a_build_again_parses_only_what_changed(tmp_path: Path, parsed: list[str]) -> None:
    project = copy_project(tmp_path / "project")
    first = _read(project)
    files = len(parsed)
    assert files == len(first.reports) + 1  # and departments.yml, never kept
    parsed.clear()
    assert _seen(_read(project)) == _seen(first)
    assert parsed == ["data/departments.yml"]
    edited = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
    parsed.clear()
    assert _seen(_read(project)) == _seen(first)
    assert parsed == ["data/departments.yml", "data/2023/xiqu-xinfangju/baoan-feiyong.yml"]
    # A year left out (an archived version's build) reads the memo but does not rewrite it.
    held = (project / PARSED_MEMO).read_bytes()
    parsed.clear()
    _read(project, until_year=2022)
    assert parsed == ["data/departments.yml"]
    assert (project / PARSED_MEMO).read_bytes() == held


def test_an_error_in_a_kept_file_is_told_at_its_line(tmp_path: Path, parsed: list[str]) -> None:
    # Only what parsed is kept; a value the model refuses is refused again, at its line.
    project = copy_project(tmp_path / "project")
    path = project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    text = path.read_text(encoding="utf-8")
    assert "\nname: 保安费用\n" in text
    path.write_text(text.replace("\nname: 保安费用\n", "\nname: [保安费用]\n"), encoding="utf-8")
    told = []
    for _ in range(2):
        with pytest.raises(DataErrors) as raised:
            _read(project)
        told.append(raised.value.report())
    assert told[0] == told[1]
    line = text.split("\n").index("name: 保安费用") + 1
    assert f"baoan-feiyong.yml 第{line}行 name（项目名称）" in told[0], told[0]


class _Runs:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("a pickled call ran",))


@pytest.mark.parametrize("damage", ["recipe", "truncated", "code", "garbage"])
def test_a_memo_not_of_this_code_is_not_believed(
    tmp_path: Path, parsed: list[str], damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    first = _seen(_read(project))
    memo = project / PARSED_MEMO
    held = memo.read_bytes()
    if damage == "recipe":
        memo.write_bytes(held.replace(held.split(b"\n")[1], b"0" * 64, 1))
    elif damage == "truncated":
        memo.write_bytes(held[: len(held) // 2])
    elif damage == "garbage":
        memo.write_bytes(b"\x00" * 100)
    else:  # every document replaced by a pickle that calls a function when loaded
        evil = pickle.dumps(_Runs())
        at = int.from_bytes(held[len(held.split(b"\n")[0]) + 66 :][:8], "little")
        body = held[:at]
        index = pickle.loads(held[at:])
        start = len(body)
        index = {digest: (start, len(evil)) for digest in index}
        memo.write_bytes(body + evil + pickle.dumps(index))
        fixed = bytearray(memo.read_bytes())
        offset = len(held.split(b"\n")[0]) + 66
        fixed[offset : offset + 8] = (start + len(evil)).to_bytes(8, "little")
        memo.write_bytes(bytes(fixed))
        pickle.loads(bytes(fixed)[start : start + len(evil)])  # what plain pickle would do
        assert "a pickled call ran" in capsys.readouterr().out
    parsed.clear()
    assert _seen(_read(project)) == first
    assert len(parsed) == len(first) + 1  # every file parsed again
    assert "a pickled call ran" not in capsys.readouterr().out


def test_the_site_is_the_same_with_the_memo(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for build in range(2):
        assert mkdocs_build(project, tmp_path / f"site{build}").returncode == 0
    assert (project / PARSED_MEMO).is_file()
    assert fingerprint(tmp_path / "site0") == fingerprint(tmp_path / "site1")


def test_keeping_a_file_adds_nothing_to_the_strings_the_reports_hold(tmp_path: Path) -> None:
    # Pickling a string that is not ASCII stores its UTF-8 form inside the string for its
    # life; the parsed strings live on in the reports: 51 MB more for a first build at 10,000
    # project-years, measured, before the memo pickled copies.
    import sys

    from gongkai.model.parsedmemo import ParsedMemo

    name = "".join(["保安费用", "（二期）"])  # a string of its own, as a parser makes one
    size = sys.getsizeof(name)
    with ParsedMemo(tmp_path / "parsed.bin") as memo:
        memo.put(b"name: ...", ({"name": name, "items": [name]}, {("name",): 1}))
    assert sys.getsizeof(name) == size
    with ParsedMemo(tmp_path / "parsed.bin") as memo:
        assert memo.get(b"name: ...") == ({"name": name, "items": [name]}, {("name",): 1})


# A first build's parsing shared with a forked child (gongkai/model/secondreader.py).


@pytest.fixture()
def beside(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The files each child was given to parse."""
    from gongkai.model import secondreader

    monkeypatch.setattr(secondreader, "FEW_FILES", 1)  # the sample has four reports
    # An earlier build in this test process may have left a queue's feeder thread behind.
    monkeypatch.setattr(secondreader.threading, "active_count", lambda: 1)
    given: list[list[str]] = []
    forked = secondreader.SecondReader.__init__

    def counted(self: secondreader.SecondReader, paths: list[str]) -> None:
        given.append([Path(path).name for path in paths])
        forked(self, paths)

    monkeypatch.setattr(secondreader.SecondReader, "__init__", counted)
    return given


@pytest.fixture()
def child_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """The build takes the child's results only once the child has parsed every file (it
    never waits for them itself: what has not come it parses)."""
    from gongkai.model import secondreader

    take = secondreader.SecondReader.take

    def after_the_child(self: secondreader.SecondReader, memo: ParsedMemo) -> None:
        self.process.join(30)
        take(self, memo)

    monkeypatch.setattr(secondreader.SecondReader, "take", after_the_child)


def test_what_a_child_parsed_is_read_as_the_build_would_have_read_it(
    tmp_path: Path, parsed: list[str], beside: list[list[str]], child_first: None
) -> None:
    alone = _seen(_read(copy_project(tmp_path / "alone")))
    project = copy_project(tmp_path / "project")
    parsed.clear()
    shared = _read(project, parse_beside=True)
    assert _seen(shared) == alone
    assert len(beside) == 1 and len(beside[0]) == 4
    assert parsed == ["data/departments.yml"]  # every report was the child's
    # What the child parsed is in the memo: the next build parses nothing.
    parsed.clear()
    assert _seen(_read(project)) == alone
    assert parsed == ["data/departments.yml"]


def test_with_a_memo_or_without_a_second_core_no_child_parses(
    tmp_path: Path, parsed: list[str], beside: list[list[str]]
) -> None:
    project = copy_project(tmp_path / "project")
    _read(project, parse_beside=False)
    assert len(parsed) == 5
    assert beside == []
    (project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml").write_text(
        (project / "data/2023/xiqu-xinfangju/baoan-feiyong.yml").read_text(encoding="utf-8")
        + "\n# 改过\n",
        encoding="utf-8",
    )
    parsed.clear()
    _read(project, parse_beside=True)  # the memo holds the others: this one is parsed here
    assert parsed == ["data/departments.yml", "data/2023/xiqu-xinfangju/baoan-feiyong.yml"]
    assert beside == []


def test_a_file_the_child_cannot_read_is_told_as_the_build_tells_it(
    tmp_path: Path, parsed: list[str], beside: list[list[str]], child_first: None
) -> None:
    told = []
    for parse_beside in (False, True):
        project = copy_project(tmp_path / f"project-{parse_beside}")
        files = sorted((project / "data").glob("20*/*/*.yml"))
        broken = files[1]
        broken.write_text("name: [保安费用\n", encoding="utf-8")
        parsed.clear()
        with pytest.raises(DataErrors) as raised:
            _read(project, parse_beside=parse_beside)
        told.append(raised.value.report())
        if parse_beside:  # the build parsed it itself, and no other report: the child did
            assert parsed[1:] == [str(broken.relative_to(project))]
    assert told[0] == told[1]


def test_a_child_that_fails_leaves_every_file_to_the_build(
    tmp_path: Path, parsed: list[str], beside: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from gongkai.model import secondreader

    def dies(paths: list[str], outbox: object) -> None:
        os._exit(3)

    monkeypatch.setattr(secondreader, "_parse_all", dies)
    alone = _seen(_read(copy_project(tmp_path / "alone")))
    parsed.clear()
    assert _seen(_read(copy_project(tmp_path / "project"), parse_beside=True)) == alone
    assert len(parsed) == 5


def test_no_child_is_forked_while_another_thread_runs(
    tmp_path: Path, parsed: list[str], beside: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    from gongkai.model import secondreader

    monkeypatch.setattr(secondreader.threading, "active_count", lambda: 2)
    _read(copy_project(tmp_path / "project"), parse_beside=True)
    assert len(parsed) == 5
    assert beside == []


def test_documents_offered_and_put_in_any_order_read_back_and_are_kept(tmp_path: Path) -> None:
    import hashlib

    from gongkai.model.parsedmemo import ParsedMemo

    def parsed(name: str) -> tuple[dict[str, str], dict[tuple[str], int]]:
        return ({"name": name}, {("name",): 1})

    def blob(name: str) -> bytes:
        return pickle.dumps(parsed(name), protocol=pickle.HIGHEST_PROTOCOL)

    memo_file = tmp_path / "parsed.bin"
    with ParsedMemo(memo_file) as memo:
        for name in ("甲", "乙"):
            memo.offer(hashlib.sha256(name.encode()).digest(), blob(name))
        assert memo.get("甲".encode()) == parsed("甲")  # read back from the middle
        memo.put("丙".encode(), parsed("丙"))  # written after the last, not over 乙
        assert memo.get("乙".encode()) == parsed("乙")
    with ParsedMemo(memo_file) as memo:
        assert [memo.get(name.encode()) for name in "甲乙丙"] == [parsed(n) for n in "甲乙丙"]
