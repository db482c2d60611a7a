"""What search knows of a page beyond its text (站内搜索): pinyin readings of names, amounts
in the forms people type, each generated page's title, year, department and rank; and the
emptying of Material's own index. The index itself is written by ``gongkai.outputs.fulltext``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from gongkai.files import read_memo, write_memo
from gongkai.model.catalog import Project, ProjectYear
from gongkai.model.money import YUAN_PER_WAN, plain, quantize
from gongkai.model.report import Department
from gongkai.model.slug import quiet_jieba, recipe_with
from gongkai.pages import SitePage

Reading = tuple[tuple[str, ...], ...]  # words, each a tuple of syllables


def load_words() -> None:
    """Load jieba's dictionary of words now (about a second) rather than at the first name;
    imported here, not by the build's own process, which need not read names."""
    quiet_jieba().initialize()


READINGS_MEMO = Path(".cache") / "gongkai" / "readings.json"  # under the folder of mkdocs.yml

# Readings known in this process (from the memo, or worked out), and the names asked for.
_readings: dict[str, tuple[Reading, ...]] = {}
_asked: set[str] = set()
_memo_holds: set[str] | None = None  # the names the memo read held; None: none was read


def readings(text: str) -> tuple[Reading, ...]:
    """Pinyin readings of ``text``, word by word as jieba cuts it: the reading pypinyin gives in
    context first (会计 kuai ji, 银行 yin hang), then, for a one-character word with several
    readings, each other one, so that an ambiguous character is found under both.

    >>> readings("会计")
    ((('kuai', 'ji'),),)
    """
    _asked.add(text)
    known = _readings.get(text)
    if known is None:
        known = _readings[text] = _worked_out_readings(text)
    return known


def recall_readings(memo: Path) -> bool:
    """Read the readings an earlier build worked out (``READINGS_MEMO`` of the project): the
    index of a build whose names are all there loads neither jieba nor pypinyin (0.8 s, and
    130 MiB, of every build). Whether one was read; nothing if it is missing, unreadable or of
    other code."""
    global _memo_holds
    _asked.clear()  # a new index: what an earlier one in this process (or its parent) asked
    _memo_holds = None  # for, or the memo it read, is not this one's
    held = read_memo(memo, recipe_with(__file__))
    try:
        found = {name: _as_readings(value) for name, value in held["readings"].items()}
    except (KeyError, AttributeError, TypeError, ValueError):  # None, or not readings
        return False
    for name, value in found.items():
        _readings.setdefault(name, value)
    _memo_holds = set(found)
    return True


def remember_readings(memo: Path) -> None:
    """Keep the readings of the names asked for in this process for the next build, unless the
    memo read holds exactly those; a failure only means the next build reads them again."""
    if _memo_holds != _asked:
        kept = {name: _readings[name] for name in _asked}
        write_memo(memo, recipe_with(__file__), {"readings": kept})


def _as_readings(value: object) -> tuple[Reading, ...]:
    """A memo's readings as ``readings`` gives them; ValueError for anything else."""
    if not isinstance(value, list):
        raise ValueError(value)
    found = []
    for reading in value:
        if not isinstance(reading, list):
            raise ValueError(reading)
        words = []
        for word in reading:
            if not (isinstance(word, list) and all(isinstance(s, str) for s in word)):
                raise ValueError(word)
            words.append(tuple(word))
        found.append(tuple(words))
    return tuple(found)


@cache
def _worked_out_readings(text: str) -> tuple[Reading, ...]:
    from pypinyin import Style, lazy_pinyin, pinyin

    words = list(quiet_jieba().cut(text))
    primary = [tuple(_plain(s) for s in lazy_pinyin(word, style=Style.NORMAL)) for word in words]
    found = [tuple(primary)]
    for index, word in enumerate(words):
        if len(word) != 1:
            continue
        for option in pinyin(word, style=Style.NORMAL, heteronym=True)[0][1:4]:
            found.append((*primary[:index], (_plain(option),), *primary[index + 1 :]))
    return tuple(dict.fromkeys(found))


def _plain(syllable: str) -> str:
    return syllable.replace("ü", "v").lower()


def _figures(amounts: Iterable[Decimal | None]) -> list[str]:
    """An amount as people write it: 80000, 8万, 8万元, 8.00万元."""
    words = []
    for amount in amounts:
        if amount is None:
            continue
        wan = amount / YUAN_PER_WAN
        short = plain(wan) if wan == wan.to_integral_value() else plain(quantize(wan).normalize())
        words += [plain(amount), f"{short}万", f"{short}万元", f"{quantize(wan):.2f}万元"]
    return words


def empty_material_index(site_dir: Path) -> None:
    """Material's full-text index, which the search box does not read (it grew to 110 MiB at
    5,000 project-years), keeps its settings but no documents, since Material's script still
    loads it. Run after Material has written it."""
    material = site_dir / "search/search_index.json"
    if material.is_file():
        settings = json.loads(material.read_text(encoding="utf-8")).get("config", {})
        material.write_text(json.dumps({"config": settings, "docs": []}), encoding="utf-8")


def standing(page: SitePage) -> tuple[str, int]:
    """The year a generated page shows in the full-text index and its rank among equals:
    project-year pages first (newest year first), then pages across years, departments, lists.
    Known before the page is rendered (the index is told where each page sorts)."""
    subject = page.subject
    if isinstance(subject, ProjectYear):
        return str(subject.year), 0
    if isinstance(subject, Project):
        return f"历年（{'、'.join(str(y) for y in sorted(subject.years, reverse=True))}）", 1
    if isinstance(subject, Department):
        return "部门", 2
    return "", 5


def describe(page: SitePage) -> dict[str, Any]:
    """What the full-text index shows of a generated page and how it ranks among equals (see
    ``standing``)."""
    subject = page.subject
    year, rank = standing(page)
    shown: dict[str, Any] = {"year": year, "rank": rank} if year else {"rank": rank}
    if isinstance(subject, ProjectYear):
        department = subject.department
        report = subject.report
        amounts = [
            a for line in report.budget for a in (line.initial, line.adjusted, line.executed)
        ]
        if report.evaluation.recommended_budget is not None:
            amounts.append(report.evaluation.recommended_budget)
        return {
            **shown,
            "title": subject.name,
            "department": department.short_name or department.name,
            "names": [subject.name, subject.slug],
            "extra": " ".join(dict.fromkeys(_figures(amounts))),
        }
    if isinstance(subject, Project):
        department = subject.department
        return {
            **shown,
            "title": subject.name,
            "department": department.short_name or department.name,
            "names": [subject.name, subject.slug],
        }
    if isinstance(subject, Department):
        return {
            **shown,
            "department": subject.region or "",
            "names": [n for n in (subject.name, subject.short_name) if n],
        }
    return shown
