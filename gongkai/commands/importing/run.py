"""The import as a whole: read every file, parse every report, check everything, and only
then write — a problem anywhere means nothing is written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from gongkai.commands.importing.parse import Imported, parse_report, split_reports, squeeze
from gongkai.commands.importing.sources import SourceError, read_blocks
from gongkai.commands.importing.writer import to_yaml
from gongkai.model.catalog import DEPARTMENTS_FILE, department_slugs
from gongkai.model.errors import from_validation
from gongkai.model.report import Report
from gongkai.model.slug import slugify


@dataclass
class Outcome:
    """What the import did (report lines for the clerk) or why it did nothing (errors)."""

    report: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: int = 0


def import_files(
    files: list[Path], out: Path, year: int | None, department: str | None, force: bool
) -> Outcome:
    outcome = Outcome()
    known = department_slugs(out)
    if department is None:
        if len(known) == 1:
            department = known[0]
        else:
            outcome.errors.append(
                f"请用 --department 指定部门代号（{out / DEPARTMENTS_FILE} 中有：{'、'.join(known) or '无'}）"
            )
            return outcome
    elif department not in known:
        outcome.errors.append(
            f"部门代号 {department} 不在 {out / DEPARTMENTS_FILE} 中（有：{'、'.join(known) or '无'}）"
        )
        return outcome

    planned: dict[Path, tuple[str, Imported, str]] = {}
    for source in files:
        try:
            blocks = read_blocks(source)
        except SourceError as error:
            outcome.errors.append(str(error))
            continue
        reports, before = split_reports(blocks)
        if not reports:
            outcome.errors.append(
                f"{source}：没有找到“项目支出绩效自评报告”标题，不像是一份自评报告"
            )
            continue
        for index, blocks_of_report in enumerate(reports, start=1):
            imported = parse_report(blocks_of_report)
            where = f"{source} 第{index}份报告"
            if index == 1 and before:
                imported.warnings.append(f"报告标题之前的文字未导入：“{str(before[0])[:24]}”")
            if not imported.name:
                outcome.errors.append(f"{where}：标题下没有“（项目名称）”一行")
                continue
            the_year = year or imported.year()
            if the_year is None:
                outcome.errors.append(
                    f"{where}（{imported.name}）：无法从报告推断年度，请用 --year 指定"
                )
                continue
            try:
                Report.model_validate(imported.data)
            except ValidationError as error:
                for problem in from_validation(error, Report, where, lambda loc: None):
                    outcome.errors.append(str(problem))
                continue
            target = out / str(the_year) / department / f"{slugify(imported.name)}.yml"
            if target in planned:
                outcome.errors.append(
                    f"{where}（{imported.name}）与 {planned[target][0]} 会写入同一个文件 {target}"
                )
                continue
            text = to_yaml(imported.data, source.name)
            if target.exists() and not force and target.read_text(encoding="utf-8") != text:
                outcome.errors.append(
                    f"{target} 已存在；确认要覆盖时加 --force（已公开的报告请改用更正记录）"
                )
                continue
            planned[target] = (where, imported, text)
            outcome.report.extend(_summary(imported, where, target))
    if outcome.errors:
        outcome.report.clear()
        return outcome
    for target, (_, _, text) in planned.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            outcome.written += 1
    return outcome


def _summary(imported: Imported, where: str, target: Path) -> list[str]:
    lines = [f"{where}：{imported.name} → {target}"]
    lines.append(f"  已填写：{'、'.join(imported.filled) or '无'}")
    if imported.inferred:
        lines.append(f"  推断：{'；'.join(imported.inferred)}")
    if imported.missing:
        lines.append(f"  未找到：{'、'.join(imported.missing)}")
    for warning in imported.warnings:
        lines.append(f"  注意：{warning}")
    return lines


__all__ = ["Outcome", "import_files", "squeeze"]
