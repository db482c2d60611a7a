"""Precision and recall of the automatic audit on the labelled corpus (``audit_corpus.py``).

    python benchmarks/audit_eval.py            # the table
    python benchmarks/audit_eval.py --verbose  # and every finding that was not expected

Counts 错误 and 警告 only (提示 are advice). The clean reports are audited together, as one
district's data would be, so that text shared between them would show; each defective report
is audited with its companions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit_corpus import CLEAN, DEFECTIVE, DEPARTMENTS, Case

from gongkai.checks.audit import Finding, Severity, audit
from gongkai.model.catalog import load_catalog


def write_data(folder: Path, cases: list[Case]) -> dict[str, Case]:
    """A data directory holding ``cases``; returns each case by the file name it got."""
    folder.mkdir(parents=True, exist_ok=True)
    departments = [{"slug": slug, "name": name} for slug, name in DEPARTMENTS.items()]
    (folder / "departments.yml").write_text(
        yaml.safe_dump({"departments": departments}, allow_unicode=True), encoding="utf-8"
    )
    placed = {}
    for number, case in enumerate(cases):
        path = folder / str(case.year) / case.department / f"case-{number:02d}.yml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(case.report, allow_unicode=True), encoding="utf-8")
        placed[path.relative_to(folder.parent).as_posix()] = case
    return placed


def counted(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING)]


@dataclass
class Result:
    """What the audit found against what was expected, per (file, check)."""

    true_positive: set[tuple[str, str]] = field(default_factory=set)
    false_positive: list[Finding] = field(default_factory=list)
    missed: set[tuple[str, str]] = field(default_factory=set)
    clean_reports: int = 0
    clean_flagged: int = 0
    defective_reports: int = 0
    defects: int = 0

    @property
    def precision(self) -> float:
        found = len(self.true_positive) + len(self.false_positive)
        return len(self.true_positive) / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = len(self.true_positive) + len(self.missed)
        return len(self.true_positive) / expected if expected else 1.0


def _score(placed: dict[str, Case], findings: list[Finding], result: Result) -> None:
    seen: set[tuple[str, str]] = set()
    for finding in counted(findings):
        key = (finding.source, finding.check)
        case = placed.get(finding.source)
        if case is not None and finding.check in case.expected:
            seen.add(key)
        else:
            result.false_positive.append(finding)
    for source, case in placed.items():
        for check in case.expected:
            key = (source, check)
            (result.true_positive if key in seen else result.missed).add(key)


def evaluate() -> Result:
    result = Result()
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        placed = write_data(root / "clean" / "data", CLEAN)
        findings = audit(load_catalog(root / "clean" / "data"))
        result.clean_reports = len(CLEAN)
        result.clean_flagged = len({f.source for f in counted(findings)})
        _score({s: c for s, c in placed.items()}, findings, result)
        for number, case in enumerate(DEFECTIVE):
            folder = root / f"d{number:02d}" / "data"
            placed = write_data(folder, [case, *case.companions])
            placed = {f"d{number:02d}/{s}": c for s, c in placed.items()}
            findings = audit(load_catalog(folder))
            findings = [
                Finding(
                    f"d{number:02d}/{f.source}", f.line, f.severity, f.check, f.field, f.message
                )
                for f in findings
            ]
            result.defective_reports += 1
            result.defects += len(case.expected)
            _score(placed, findings, result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every unexpected finding")
    args = parser.parse_args(argv)
    result = evaluate()
    print(
        "| clean_reports | clean_flagged | defective_reports | expected_findings "
        "| found | false_alarms | missed | precision | recall |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    expected = len(result.true_positive) + len(result.missed)
    print(
        f"| {result.clean_reports} | {result.clean_flagged} | {result.defective_reports} "
        f"| {expected} | {len(result.true_positive)} | {len(result.false_positive)} "
        f"| {len(result.missed)} | {result.precision:.3f} | {result.recall:.3f} |"
    )
    if args.verbose or result.false_positive or result.missed:
        for finding in result.false_positive:
            print(f"误报：{finding.source} [{finding.severity}] {finding.check}：{finding.message}")
        for source, check in sorted(result.missed):
            print(f"漏报：{source} {check}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
