"""One project-year's documents (项目年度的公开文件): its 绩效目标表, published with the budget,
and its 自评表 or 自评报告, published a year later, recognised as one.

Two documents are one project-year when they share department and budget year, one is a
绩效目标表 and the other a self-evaluation, and either their 项目代码 are equal or, where either
lacks one, their names agree after the words that differ between kinds of document are set
aside. Names may differ a little (驻京驻蓉信访维稳经费 / 驻京驻蓉信访维稳工作经费); they may not
differ in a number (第一批 / 第二批), and a name that fits two documents equally links to
neither: a wrong link would publish a comparison of two projects, a missing one only leaves
the comparison out.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.model.report import DocumentKind, Report

# Words that say which document it is, or the year, not which project.
_DOCUMENT_WORDS = re.compile(
    r"\d{4}\s*年度?|项目支出|绩效目标申报表|绩效目标表|绩效目标|绩效自评表|绩效自评报告|绩效自评"
    r"|自评表|自评报告|评价表|整体支出"
)
_SAME_MEANING = re.compile(r"经费|费用|资金|专项资金")
_PUNCTUATION = re.compile(r"[\s·•、，,。.;；:：\-—_/“”\"'‘’《》<>]")
# Numbers and numerals, in their order: names that differ in one name different things.
_NUMERALS = re.compile(
    r"\d+(?:\.\d+)?|[一二三四五六七八九十百千万零〇两甲乙丙丁壹贰叁肆伍陆柒捌玖拾]"
)
SIMILAR = 0.8  # SequenceMatcher ratio of two normalised names that count as the same project
MARGIN = 0.05  # a second candidate this close makes the match ambiguous


def alike(a: str, b: str) -> float:
    """How alike two names are, 0 to 1, as SequenceMatcher sees them; 0 where either is empty
    or they hold different numbers (第一批 / 第二批, 12 / 21), however alike the rest.

    >>> alike("举办培训场次", "举办的培训场次") > 0.9, alike("第一批", "第二批")
    (True, 0.0)
    """
    if not a or not b or _NUMERALS.findall(a) != _NUMERALS.findall(b):
        return 0.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def normalised_name(name: str) -> str:
    """A project name without the words of its document kind, its year and punctuation.

    >>> normalised_name("2023年度 驻京驻蓉信访维稳经费绩效目标表")
    '驻京驻蓉信访维稳费'
    """
    text = unicodedata.normalize("NFKC", name)
    text = _DOCUMENT_WORDS.sub("", text)
    text = _PUNCTUATION.sub("", text)
    return _SAME_MEANING.sub("费", text)


def name_similarity(a: str, b: str) -> float:
    """How alike two project names are, 0 to 1; 0 where they differ in a number or numeral.

    >>> name_similarity("保安费用", "保安经费")
    1.0
    >>> name_similarity("第一批农业补贴", "第二批农业补贴")
    0.0
    """
    return alike(normalised_name(a), normalised_name(b))


def _code(report: Report) -> str | None:
    code = report.form.project_code
    return re.sub(r"\s", "", code) if code else None


def same_project(targets: Report, evaluation: Report) -> tuple[float, str] | None:
    """How well a 绩效目标表 and a self-evaluation match, and by what; ``None`` if not at all."""
    mine, theirs = _code(targets), _code(evaluation)
    if mine and theirs:
        return (2.0, "项目代码") if mine == theirs else None
    similarity = name_similarity(targets.name, evaluation.name)
    return (similarity, "项目名称") if similarity >= SIMILAR else None


EVALUATIONS = (DocumentKind.FORM, DocumentKind.REPORT)


@dataclass(frozen=True)
class Link:
    """A self-evaluation recognised as the same project-year as a 绩效目标表, and by what."""

    targets: int  # indexes into the documents given to :func:`link_documents`
    evaluation: int
    matched_by: str


def link_documents(documents: Iterable[tuple[str, Report]]) -> list[Link]:
    """Link each self-evaluation to the one 绩效目标表 of the same department and year (the
    ``str`` of each pair) that it matches best, when no other fits nearly as well."""
    items = list(documents)
    targets_at: dict[str, list[int]] = {}  # by department and year: a district has thousands
    for index, (place, report) in enumerate(items):
        if report.kind is DocumentKind.TARGETS:
            targets_at.setdefault(place, []).append(index)
    links: list[Link] = []
    for index, (place, report) in enumerate(items):
        if report.kind not in EVALUATIONS:
            continue
        scored = sorted(
            (
                (match[0], match[1], other)
                for other in targets_at.get(place, [])
                if (match := same_project(items[other][1], report)) is not None
            ),
            key=lambda m: (-m[0], m[2]),
        )
        if not scored:
            continue
        best = scored[0]
        if len(scored) > 1 and scored[1][0] >= best[0] - MARGIN:
            continue  # two 绩效目标表 fit: neither is claimed
        links.append(Link(best[2], index, best[1]))
    return links
