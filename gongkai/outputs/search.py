"""Site search (站内搜索) that finds what people type: Chinese words and fragments, pinyin with or
without spaces, initials, the department, indicator texts and figures as written.

The index is a small script (``search/gongkai-index.js``) loaded by a ``<script>`` tag on the
first search, so it works from a web server and from a folder opened as ``file://``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jieba
from pypinyin import Style, lazy_pinyin, pinyin

from gongkai.model.catalog import Catalog, Project, ProjectYear
from gongkai.model.money import YUAN_PER_WAN, plain, quantize
from gongkai.model.report import Department
from gongkai.pages import SitePage, department_uri, page_url, project_uri, report_uri

INDEX_FILE = "search/gongkai-index.js"


Reading = tuple[tuple[str, ...], ...]  # words, each a tuple of syllables


@cache
def readings(text: str) -> tuple[Reading, ...]:
    """Pinyin readings of ``text``, word by word as jieba cuts it: the reading pypinyin gives in
    context first (会计 kuai ji, 银行 yin hang), then, for a one-character word with several
    readings, each other one, so that an ambiguous character is found under both."""
    words = list(jieba.cut(text))
    primary = [tuple(_plain(s) for s in lazy_pinyin(word, style=Style.NORMAL)) for word in words]
    found = [tuple(primary)]
    for index, word in enumerate(words):
        if len(word) != 1:
            continue
        for option in pinyin(word, style=Style.NORMAL, heteronym=True)[0][1:4]:
            found.append((*primary[:index], (_plain(option),), *primary[index + 1 :]))
    return tuple(dict.fromkeys(found))


def name_keys(text: str) -> str:
    """The text, its pinyin with and without spaces, and its initials (保安费用: baoan feiyong,
    baoanfeiyong, bafy)."""
    keys = [text.lower()]
    for found in readings(text):
        reading = [
            w
            for w in (tuple(s for s in word if s.isascii() and s.isalnum()) for word in found)
            if w
        ]
        spelled = " ".join("".join(word) for word in reading)
        keys += [
            spelled,
            spelled.replace(" ", ""),
            "".join(s[0] for word in reading for s in word if s),
        ]
    return " | ".join(dict.fromkeys(k for k in keys if k))


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


def _report_text(entry: ProjectYear) -> str:
    report = entry.report
    parts: list[str] = []
    for indicator in report.performance.indicators:
        parts += [v for v in (indicator.name, indicator.target, indicator.actual) if v]
    parts += _figures(
        a
        for line in report.budget
        for a in (line.initial, line.adjusted, line.executed, line.supplementary)
    )
    if report.evaluation.recommended_budget is not None:
        parts += _figures([report.evaluation.recommended_budget])
    return " | ".join(dict.fromkeys(parts)).lower()


def build_index(catalog: Catalog, directory_urls: bool = True) -> list[dict[str, object]]:
    """One entry a project-year page, a project page and a department page; ``n`` holds the
    keys of the page's own name, ``o`` everything else it can be found by."""
    entries: list[dict[str, object]] = []
    for entry in catalog.reports:
        department = entry.department
        entries.append(
            {
                "t": entry.name,
                "y": str(entry.year),
                "d": department.short_name or department.name,
                "u": page_url(report_uri(entry), directory_urls),
                "n": name_keys(entry.name) + f" | {entry.slug}",
                "o": " | ".join([name_keys(department.name), _report_text(entry)]),
                "w": 3,
            }
        )
    for project in catalog.projects.values():
        years = "、".join(str(y) for y in sorted(project.years, reverse=True))
        entries.append(
            {
                "t": project.name,
                "y": f"历年（{years}）",
                "d": project.department.short_name or project.department.name,
                "u": page_url(project_uri(project), directory_urls),
                "n": name_keys(project.name) + f" | {project.slug}",
                "o": name_keys(project.department.name),
                "w": 2,
            }
        )
    for department in catalog.departments.values():
        names = " | ".join(name_keys(n) for n in (department.name, department.short_name) if n)
        entries.append(
            {
                "t": department.name,
                "y": "部门",
                "d": department.region or "",
                "u": page_url(department_uri(department), directory_urls),
                "n": names,
                "o": "",
                "w": 1,
            }
        )
    return entries


def index_script(entries: list[dict[str, object]]) -> str:
    """The index as a script that sets ``window.GONGKAI_SEARCH`` (a ``<script>`` can be loaded
    from ``file://``, where fetching JSON is refused)."""
    body = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    return f"window.GONGKAI_SEARCH={body};\n"


def write_search(catalog: Catalog, site_dir: Path, directory_urls: bool = True) -> Path:
    """Write the site's own index (``search/gongkai-index.js``)."""
    index = site_dir / INDEX_FILE
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(index_script(build_index(catalog, directory_urls)), encoding="utf-8")
    return index


def empty_material_index(site_dir: Path) -> None:
    """Material's full-text index, which the search box does not read (it grew to 110 MiB at
    5,000 project-years), keeps its settings but no documents, since Material's script still
    loads it. Run after Material has written it."""
    material = site_dir / "search/search_index.json"
    if material.is_file():
        settings = json.loads(material.read_text(encoding="utf-8")).get("config", {})
        material.write_text(json.dumps({"config": settings, "docs": []}), encoding="utf-8")


def describe(page: SitePage) -> dict[str, Any]:
    """What the full-text index shows of a generated page and how it ranks among equals:
    project-year pages first (newest year first), then pages across years, departments, lists."""
    subject = page.subject
    if isinstance(subject, ProjectYear):
        department = subject.department
        report = subject.report
        amounts = [
            a for line in report.budget for a in (line.initial, line.adjusted, line.executed)
        ]
        if report.evaluation.recommended_budget is not None:
            amounts.append(report.evaluation.recommended_budget)
        return {
            "title": subject.name,
            "year": str(subject.year),
            "department": department.short_name or department.name,
            "rank": 0,
            "names": [subject.name, subject.slug],
            "extra": " ".join(dict.fromkeys(_figures(amounts))),
        }
    if isinstance(subject, Project):
        years = "、".join(str(y) for y in sorted(subject.years, reverse=True))
        department = subject.department
        return {
            "title": subject.name,
            "year": f"历年（{years}）",
            "department": department.short_name or department.name,
            "rank": 1,
            "names": [subject.name, subject.slug],
        }
    if isinstance(subject, Department):
        return {
            "year": "部门",
            "department": subject.region or "",
            "rank": 2,
            "names": [n for n in (subject.name, subject.short_name) if n],
        }
    return {"rank": 5}
