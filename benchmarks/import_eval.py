"""How well the import reads the real documents of ``tests/corpus/real`` in every container:
for each container, the fields right, missing and **wrong**, out of the fields each document
holds (year, kind, unit, name, code, each budget figure, each indicator's name, target,
actual, weight and score — written by hand from the document in ``sources/``).

    python benchmarks/import_eval.py            # the table
    python benchmarks/import_eval.py --detail   # every field that is not right

Each file is imported alone into a fresh folder with no flags, as a clerk would.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "real"
SCANS = CORPUS / "scans"  # real forms printed and scanned (tests/corpus/real/scans.py)
sys.path.insert(0, str(ROOT))

from gongkai.commands.importing.run import import_files  # noqa: E402


@dataclass
class Score:
    right: int = 0
    missing: int = 0
    wrong: int = 0
    caught: int = 0  # of the wrong: a cell the review workbook shows the clerk (scans)
    details: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.right + self.missing + self.wrong


def container_of(path: Path) -> str:
    parts = path.name.split(".")
    return ".".join(parts[1:]) if len(parts) > 2 else parts[-1]


def _same(found: Any, expected: Any) -> bool:
    if isinstance(expected, int | float) or isinstance(found, int | float | Decimal):
        try:
            return Decimal(str(found)) == Decimal(str(expected))
        except InvalidOperation:
            return False
    return str(found).strip() == str(expected).strip()


def _lookup(
    data: dict[str, Any], year: int | None, path: str, same: Callable[[Any], Any] = lambda v: v
) -> Any:
    """The value at ``path`` (``form.funds[其中:财政资金].adjusted``); a row's label compared
    through ``same`` (for a scan: a colon full-width or not is the same label)."""
    if path == "year":
        return year
    if path == "kind":
        return data.get("kind", "自评报告")
    value: Any = data
    for part in re.findall(r"[^.\[\]]+|\[[^\]]*\]", path):
        if part.startswith("["):
            key = part[1:-1]
            if isinstance(value, list):
                if key.isdigit():
                    value = value[int(key)] if int(key) < len(value) else None
                else:
                    value = next(
                        (row for row in value if same(row.get("label")) == same(key)), None
                    )
            else:
                return None
        else:
            if part == "goals":
                value = value.get("form", {}).get("goals") if isinstance(value, dict) else None
                continue
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return None
    return value


# The page header of a web copy (索引号, 发布机构, 发布日期) is on the page, not in the attachment:
# its fields are expected of the web page and its copies only.
WEB = {"html", "mhtml", "txt", "browser.txt", "pipes.txt", "lines.txt", "runon.txt"}


def _plain(value: Any) -> Any:
    """Text as a reader compares a scan with its original: a comma or colon full-width or not,
    a quotation mark curly or straight, are the same (OCR cannot tell which the typist used)."""
    if not isinstance(value, str):
        return value
    return re.sub(r"[“”„\"]", '"', unicodedata.normalize("NFKC", value)).strip()


def _shown(found: Any, doubts: list[str]) -> bool:
    """Whether a wrong value is among the cells the review workbook shows (the same words, or
    the same number in 元 or 万元)."""
    text = re.sub(r"\s+", "", str(_plain(found)))
    for doubt in doubts:
        cell = re.sub(r"\s+", "", str(_plain(doubt)))
        if cell and (cell == text or (len(text) > 1 and text in cell)):
            return True
        try:
            number, value = Decimal(cell.replace(",", "").rstrip("%")), Decimal(text)
        except InvalidOperation:
            continue
        if value in (number, number * 10000, number / 100):
            return True
    return False


def score_document(
    data: dict[str, Any] | None,
    year: int | None,
    expected: dict,
    score: Score,
    where: str,
    doubts: list[str] | None = None,
) -> None:
    def wrong(label: str, message: str, found: Any) -> None:
        score.wrong += 1
        caught = doubts is not None and _shown(found, doubts)
        score.caught += caught
        score.details.append(f"{where} {label}：{message}" + ("（已列入核对）" if caught else ""))

    def judge(label: str, found: Any, want: Any) -> None:
        if doubts is not None:  # a scan: punctuation's width and shape aside
            found, want = _plain(found), _plain(want)
        if want is None:
            if found in (None, ""):
                score.right += 1
            else:
                wrong(label, f"应为空，读成 {found!r}", found)
            return
        if found in (None, ""):
            score.missing += 1
            score.details.append(f"{where} {label}：缺（应为 {want!r}）")
        elif _same(found, want):
            score.right += 1
        else:
            wrong(label, f"读成 {found!r}，应为 {want!r}", found)

    indicators = (data or {}).get("performance", {}).get("indicators", [])
    container = where.rsplit(" ", 1)[-1]
    named = {path[len("indicators[") : -1] for path in expected if path.startswith("indicators[")}
    for indicator in indicators:
        plain_named = {_plain(n) for n in named} if doubts is not None else named
        shown_name = _plain(indicator.get("name")) if doubts is not None else indicator.get("name")
        if named and shown_name not in plain_named:
            # An indicator the document does not hold: a row read out of its columns.
            wrong("多出的指标", str(indicator), indicator.get("name") or indicator.get("target"))
    for path, want in expected.items():
        if path.startswith("disclosure.") and container not in WEB:
            continue
        if path.startswith("indicators["):
            name = path[len("indicators[") : -1]
            same = _plain if doubts is not None else (lambda v: v)
            found = next((i for i in indicators if same(i.get("name")) == same(name)), None)
            judge(f"指标“{name}”", found and found.get("name"), name)
            for key, value in want.items():
                judge(f"指标“{name}”.{key}", found.get(key) if found else None, value)
            continue
        plain = _plain if doubts is not None else (lambda v: v)
        judge(path, _lookup(data, year, path, plain) if data is not None else None, want)


def expectations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The expected fields of each document a source holds (one, or one per project)."""
    if "documents" in spec:
        return [document["expected"] for document in spec["documents"]]
    return [spec["expected"]]


def imported_documents(
    built: Path, out: Path
) -> tuple[list[tuple[dict, int]], list[str], list[str]]:
    """Every data file one input gives, with its year; the import's errors; the texts of the
    cells its review workbook shows the clerk (a scan's doubtful cells)."""
    outcome = import_files([built], out, None, None, False)
    files = sorted(out.glob("[0-9]*/*/*.yml"))
    documents = [
        (yaml.safe_load(path.read_text(encoding="utf-8")), int(path.parts[-3])) for path in files
    ]
    doubts = [d.text for review in outcome.reviews for d in review.doubts]
    return documents, outcome.errors, doubts


def score_input(
    built: Path, spec: dict[str, Any], out: Path, score: Score, where: str, scan: bool = False
) -> None:
    """Score one input file against every document its source is expected to hold."""
    documents, errors, doubts = imported_documents(built, out)
    if errors:
        score.details.append(f"{where}：导入失败 {errors[0]}")
    for expected in expectations(spec):
        name = expected.get("name")
        match = next((d for d in documents if name and d[0].get("name") == name), None)
        if match is None and len(expectations(spec)) == 1 and documents:
            match = documents[0]
        data, year = match if match else (None, None)
        score_document(data, year, expected, score, where, doubts if scan else None)


def evaluate(detail: bool = False, scans: bool = True) -> dict[str, Score]:
    scores: dict[str, Score] = defaultdict(Score)
    for source in sorted((CORPUS / "sources").glob("*.yml")):
        spec = yaml.safe_load(source.read_text(encoding="utf-8"))
        folder_of = CORPUS / "built" / source.stem
        for built in sorted(folder_of.iterdir()) if folder_of.is_dir() else []:
            container = container_of(built)
            with tempfile.TemporaryDirectory() as folder:
                where = f"{source.stem} {container}"
                score_input(built, spec, Path(folder) / "data", scores[container], where)
        scanned = SCANS / source.stem
        for built in sorted(scanned.iterdir()) if scans and scanned.is_dir() else []:
            container = "扫描件 " + container_of(built)
            with tempfile.TemporaryDirectory() as folder:
                where = f"{source.stem} {container}"
                out = Path(folder) / "data"
                score_input(built, spec, out, scores[container], where, scan=True)
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--detail", action="store_true")
    parser.add_argument("--no-scans", action="store_true", help="leave out the scans (OCR, slow)")
    args = parser.parse_args()
    scores = evaluate(scans=not args.no_scans)
    print("| 容器 | 字段 | 正确 | 缺失 | 错误 | 其中列入核对 | 正确率 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    total = Score()
    for container, score in sorted(scores.items()):
        total.right += score.right
        total.missing += score.missing
        total.wrong += score.wrong
        total.caught += score.caught
        print(
            f"| {container} | {score.total} | {score.right} | {score.missing} | {score.wrong} | "
            f"{score.caught} | {score.right / score.total:.1%} |"
        )
    print(
        f"| 合计 | {total.total} | {total.right} | {total.missing} | {total.wrong} | "
        f"{total.caught} | {total.right / total.total:.1%} |"
    )
    if args.detail:
        for _container, score in sorted(scores.items()):
            for line in score.details:
                print(line)


if __name__ == "__main__":
    main()
