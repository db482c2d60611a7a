"""The import as a whole: read every file, recognise what kind of document it is, parse it,
check everything, and only then write. A file with a problem is left out whole, with its reason
in the review; the files without one are written."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gongkai.commands.importing.containers import IMAGES, SUFFIXES, read_documents
from gongkai.commands.importing.containers.detect import NAMES
from gongkai.commands.importing.forms import (
    build_form,
    exact_amount,
    money_scale,
    read_tables,
    split_forms,
)
from gongkai.commands.importing.grid import Document
from gongkai.commands.importing.lines import rows_from_lines
from gongkai.commands.importing.listform import read_list
from gongkai.commands.importing.parse import (
    Imported,
    parse_report,
    split_reports,
    squeeze,
)
from gongkai.commands.importing.prose import StatedProject, stated_projects
from gongkai.commands.importing.recognition import (
    UNIT_LINE,
    published_year,
    recognise,
    unit_from_title,
    year_in,
)
from gongkai.commands.importing.registry import Registry
from gongkai.commands.importing.review import FileReview
from gongkai.commands.importing.scanned import mark_scanned
from gongkai.commands.importing.sources import Block, SourceError, Table, web_header
from gongkai.commands.importing.writer import to_yaml, write_atomically
from gongkai.commands.placing import SECOND_SLUG, place_document
from gongkai.model.dates import DateError, PartialDate
from gongkai.model.errors import from_validation
from gongkai.model.report import DocumentKind, Report
from gongkai.model.slug import slugify


@dataclass
class Outcome:
    """What the import did (report lines for the clerk) or why it did nothing (errors), and a
    review of every input file for 导入核对.xlsx."""

    report: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    written: int = 0
    reviews: list[FileReview] = field(default_factory=list)


_WHOLE_BUDGET = re.compile(r"预算(?:安排|数)?([\d,，.]+)万元[，,]?实际(?:执行|支出)([\d,，.]+)万元")


def _whole_department(
    imported: Imported, blocks: list[Block], named: list[str], title: str, year: int | None
) -> None:
    """A department's whole-spending report written as prose: named after the department,
    its year from the title, its budget line from the sentence that states the totals, and
    its text word for word, headings included (its chapters are not a project report's)."""
    texts = [str(b) for b in blocks[1:] if isinstance(b, str)]
    data = {"name": imported.data.get("name"), "title": imported.data.get("title")}
    data = {k: v for k, v in data.items() if v}
    data["unplaced"] = texts
    imported.data = data
    imported.filled, imported.missing, imported.warnings = (
        ["正文（原文照录，待归入各部分）"],
        [],
        [],
    )
    data["kind"] = DocumentKind.DEPARTMENT.value
    whole = re.search(r"部门(?:（单位）|\(单位\))?整体.*$", squeeze(title))
    data["title"] = whole.group(0) if whole else "部门整体支出绩效自评报告"
    if named:
        data["name"] = f"{named[0]}部门整体支出"
    the_year = year or year_in([title])
    texts = " ".join(data.get("unplaced", []))
    found = _WHOLE_BUDGET.search(squeeze(texts))
    if found and the_year and not data.get("budget"):
        initial, executed = (
            Decimal(g.replace(",", "").replace("，", "")) * 10000 for g in found.groups()
        )
        data["budget"] = [
            {"year": the_year, "initial": exact_amount(initial), "executed": exact_amount(executed)}
        ]
        imported.inferred.append("部门整体支出预算与执行金额（由正文，万元换算为元）")
    elif the_year and not data.get("budget"):
        data["budget"] = [{"year": the_year}]
    if the_year and not year:
        imported.inferred.append("年度（由标题）")


def _unit_report(imported: Imported, title: str) -> None:
    """A unit's report on several projects, with no project of its own: named by its title."""
    name = re.sub(r"[（(]?\d{4}\s*年度?[）)]?", "", squeeze(title)) or None
    if name:
        imported.data["name"] = name
        imported.inferred.append("名称（由标题；这是单位对多个项目的报告，不是单个项目）")
        if "项目名称" in imported.missing:
            imported.missing.remove("项目名称")


def _stated_project(project: StatedProject, parent: Imported, meta: dict[str, str]) -> Imported:
    """A project a unit's report states in prose, as a data file of its own: its amounts where
    the words say what they are, its sentences as its basic information, marked incomplete."""
    imported = Imported({})
    line: dict[str, Any] = {}
    year = parent.year()
    if year is not None:
        line["year"] = year
    for key, value in (("initial", project.initial), ("executed", project.executed)):
        if value is not None:
            line[key] = exact_amount(value)
    if project.adjusted is not None:
        line["stated_adjusted"] = exact_amount(project.adjusted)
    data: dict[str, Any] = {
        "name": project.name,
        "kind": DocumentKind.REPORT.value,
        "incomplete": True,
        "budget": [line] if line else [],
        "overview": {"basic_info": project.text},
    }
    parent_title = parent.data.get("title") or parent.data.get("name") or ""
    data["title"] = "项目支出绩效自评报告"
    imported.data = data
    imported.inferred.append(f"项目及金额由单位报告正文摘出（{parent_title}）")
    imported.inferred.extend(project.how)
    imported.warnings.append(
        "这个项目没有自己的报告，只在单位报告中提到；已标为 incomplete: true，请按原件核对金额"
    )
    imported.filled.append("项目基本情况（单位报告中的原句）")
    _disclosure_from_header(meta, DocumentKind.REPORT, data, imported)
    return imported


def _disclosure_from_header(
    meta: dict[str, str], kind: DocumentKind, data: dict[str, Any], result: Imported
) -> None:
    """索引号 / 发布机构 / 发布日期 / 文号 / 主题分类 of a web copy, as disclosure metadata."""
    if not meta:
        return
    disclosure = data.setdefault("disclosure", {})
    for label, key in (
        ("索引号", "index_number"),
        ("发布机构", "publisher"),
        ("文号", "document_number"),
        ("发文字号", "document_number"),
        ("主题分类", "topic"),
    ):
        if meta.get(label):
            disclosure.setdefault(key, meta[label])
    published = meta.get("发布日期")
    if published:
        text = re.sub(r"[年月/.]", "-", published.split()[0]).rstrip("日-")
        try:
            date = PartialDate.parse(text)
        except DateError:
            result.warnings.append(f"发布日期“{published}”不是日期，未导入")
        else:
            disclosure.setdefault(kind.event, {})["published"] = date.iso()
    if meta.get("时效性"):
        data.setdefault("unplaced", []).append(f"时效性：{meta['时效性']}")
    result.inferred.append("公开信息（由网页的" + "、".join(meta) + "）")


def _documents(
    source: Path, document: Document, year: int | None, outcome: Outcome
) -> list[tuple[str, Imported, list[str], str]]:
    """Every document found in one file: (where, what was imported, units it names, file)."""
    where = f"{source}（工作表“{document.part}”）" if document.part else str(source)
    meta, blocks = web_header(document.blocks)
    kind, title = recognise(blocks)
    if kind is None:
        outcome.errors.append(
            f"{where}：没有可识别的内容——既没有报告标题（如“项目支出绩效自评报告”、"
            "“绩效目标表”），也没有绩效指标表或资金表；请确认文件是否选对"
        )
        return []
    tables = [b for b in blocks if isinstance(b, Table) and not b.stream]
    texts = [b for b in blocks if isinstance(b, str)]
    named = [v for k, v in meta.items() if k == "发布机构"]
    for text in texts[:15]:
        stated = UNIT_LINE.match(squeeze(text))
        if stated:
            named.insert(0, stated.group(1))
            break
    unit = unit_from_title(title)
    if unit:
        named.insert(0, unit)
    found: list[tuple[str, Imported, list[str], str]] = []
    # A web copy of a form one cell a line: its rows are rebuilt, once.
    streams = any(isinstance(b, Table) and b.stream for b in blocks)
    rebuilt = (
        rows_from_lines(blocks) if streams or not (tables or kind is DocumentKind.REPORT) else None
    )
    if rebuilt is not None and not rebuilt.tables:
        rebuilt = None
    narrative = kind is DocumentKind.REPORT or (
        kind is DocumentKind.DEPARTMENT and not tables and rebuilt is None
    )
    document_year = year_in([title])
    if narrative:
        reports, before = split_reports(blocks)
        if not reports and kind is not None:
            reports, before = [[title or "项目支出绩效自评报告", *blocks]], []
        for index, report_blocks in enumerate(reports, start=1):
            imported = parse_report(report_blocks)
            if index == 1 and before:
                imported.warnings.append(f"报告标题之前的文字未导入：“{str(before[0])[:24]}”")
            unit_report = kind is DocumentKind.DEPARTMENT or not imported.name
            if kind is DocumentKind.DEPARTMENT:
                _whole_department(imported, report_blocks, named, title, year)
            elif not imported.name:
                _unit_report(imported, str(report_blocks[0]))
            _disclosure_from_header(meta, kind, imported.data, imported)
            _year_fallback(imported, document_year, meta, kind)
            found.append((f"{where} 第{index}份报告", imported, named, source.name))
            if unit_report:
                paragraphs = [b for b in report_blocks if isinstance(b, str)]
                for project in stated_projects(paragraphs):
                    stated = _stated_project(project, imported, meta)
                    found.append(
                        (f"{where} 第{index}份报告中的“{project.name}”", stated, named, source.name)
                    )
        return found
    note = "表格由逐格复制的网页文字重建，请逐格核对" if rebuilt is not None else ""
    if rebuilt is not None:
        tables = tables + rebuilt.tables
        texts = texts + rebuilt.leftover
    scale, unit = money_scale(texts + [c for t in tables for row in t.rows for c in row])
    listed = [(parts, tables, title) for parts in read_list(tables, scale) or []] or [
        (read_tables(form, scale), form, title if index == 0 else "")
        for index, form in enumerate(split_forms(tables))
    ]
    for index, (parts, own_tables, own_title) in enumerate(listed):
        where_in = f"{where} 第{index + 1}份" if len(listed) > 1 else where
        found.append(
            _form_document(
                source, where_in, parts, kind, own_title,
                texts if index == 0 else [], own_tables,
                meta, named, year, unit, rebuilt, note,
            )
        )  # fmt: skip
    return found


def _form_document(
    source: Path,
    where: str,
    parts: Any,
    kind: DocumentKind,
    title: str,
    texts: list[str],
    tables: list[Table],
    meta: dict[str, str],
    named: list[str],
    year: int | None,
    unit: str,
    rebuilt: Any,
    note: str,
) -> tuple[str, Imported, list[str], str]:
    """One form read from a file, with what the clerk must know about it."""
    imported = Imported({})
    heads = [" ".join(row) for table in tables for row in table.rows][:8]
    the_year = year or year_in([title, *texts[:6], *heads]) or published_year(meta, kind)
    data = build_form(parts, kind, _form_name(kind, title), the_year, imported)
    if the_year and not data.get("budget"):
        data["budget"] = [{"year": the_year}]  # a form without figures still has its year
    if rebuilt is not None:
        imported.warnings.extend(rebuilt.warnings)
    if not year and not year_in([title, *texts[:6], *heads]) and the_year:
        imported.inferred.append(f"年度 {the_year}（原文未写，由网页发布日期推断，请核对）")
    if parts.funds:
        data["form"]["unit_of_money"] = unit
        stated = [
            key
            for key in ("initial", "adjusted", "executed", "weight", "rate", "score", "reason")
            if key in parts.money_columns
        ]
        if stated:  # the money block's own columns, so the page shows no column it lacks
            data["form"]["fund_columns"] = stated
        if unit == "万元":
            imported.inferred.append("金额单位为万元，换算为元（不四舍五入）")
    if note:
        imported.warnings.append(note)
    consumed = {squeeze(c) for t in tables for row in t.rows for c in row}
    rest = [
        t
        for t in texts
        if t != title
        and squeeze(t) not in consumed
        and not _is_label(t, parts)
        and not re.match(r"^[（(]?\s*(金额)?单位\s*[:：]", squeeze(t))
    ]
    if rest:
        data.setdefault("unplaced", []).extend(rest)
        for text in rest:
            imported.warnings.append(f"未能归类的文字已放入 unplaced：“{text[:24]}”")
    _disclosure_from_header(meta, kind, data, imported)
    if not data.get("name") and kind is DocumentKind.DEPARTMENT and named:
        data["name"] = f"{named[0]}部门整体支出"
        imported.inferred.append(f"名称（由单位“{named[0]}”）")
    if not data.get("name"):
        data["name"] = source.stem
        data["incomplete"] = True
        imported.inferred.append(
            f"项目名称（原文没有，暂用文件名“{source.stem}”，请改为原件中的名称）"
        )
    imported.data = data
    form = data.get("form", {})
    named = [form[k] for k in ("implementer", "supervisor") if form.get(k)] + named
    return (f"{where}（{kind.value}）", imported, named, source.name)


def _year_fallback(
    imported: Imported, document_year: int | None, meta: dict[str, str], kind: DocumentKind
) -> None:
    """A narrative report's year where its figures give none: its title's, else the page's
    发布日期 (marked as inferred)."""
    if imported.year() is not None:
        return
    year, how = document_year, "由标题"
    if year is None:
        texts = [str(t) for t in imported.data.get("unplaced", [])[:3]]
        year, how = year_in(texts), "由正文开头，请核对"
    if year is None:
        year, how = published_year(meta, kind), "由网页发布日期推断，请核对"
    if year is None:
        return
    imported.data.setdefault("budget", []).append({"year": year})
    imported.inferred.append(f"年度 {year}（{how}）")


def _is_label(text: str, parts: Any) -> bool:
    """A line of a web copy that the rebuilt tables already hold."""
    flat = squeeze(text)
    return len(flat) <= 40 and any(
        flat in (squeeze(v) for v in values)
        for values in (
            parts.header.values(),
            [r["label"] for r in parts.funds],
            [g.get("expected", "") for g in parts.goals]
            + [g.get("actual", "") for g in parts.goals],
        )
    )


def _form_name(kind: DocumentKind, title: str) -> str:
    """The form's title as published, without the year ("2023年度项目支出绩效自评表")."""
    clean = re.sub(r"^[（(]?\d{4}\s*年度?[）)]?", "", title.strip()).strip()
    defaults = {
        DocumentKind.FORM: "项目支出绩效自评表",
        DocumentKind.TARGETS: "项目支出绩效目标表",
        DocumentKind.DEPARTMENT: "部门整体支出绩效自评表",
    }
    return clean or defaults.get(kind, "项目支出绩效自评报告")


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the files in it and below it that a department may
    send (Word, Excel, WPS, PDF, web pages, text, and scans to be refused with a reason), in
    name order (Office's "~$" lock files left out)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in SUFFIXES + IMAGES
                and not p.name.startswith(("~$", "."))
            )
        else:
            found.append(path)
    return found


def import_files(
    files: list[Path],
    out: Path,
    year: int | None,
    department: str | None,
    force: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Outcome:
    outcome = Outcome()
    batch = _Batch(out, year, department, force, Registry.load(out), outcome)
    registry, planned = batch.registry, batch.planned
    sources = expand(files)
    for number, source in enumerate(sources, start=1):
        if progress is not None:
            progress(number, len(sources))
        review = FileReview(str(source))
        outcome.reviews.append(review)
        errors_before, report_before = len(outcome.errors), len(outcome.report)
        targets = _import_one(source, batch)
        review.errors.extend(outcome.errors[errors_before:])
        for imported, target in targets:
            _note(review, imported, target)
        if review.errors:
            # A file with a problem is left out whole; the others are written.
            for _, target in targets:
                if target is not None:
                    planned.pop(target, None)
            review.written.clear()
            del outcome.report[report_before:]
    if planned:
        registry.save()
        for entry in registry.added:
            outcome.report.append(
                f"新建部门：{entry['name']}（代号 {entry['slug']}）→ {registry.path}"
            )
    for target, (_, _, text) in planned.items():
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            write_atomically(target, text)
            outcome.written += 1
    return outcome


@dataclass
class _Batch:
    """What every file of one import shares: the clerk's flags, the registry, the files planned
    so far and the outcome."""

    out: Path
    year: int | None
    department: str | None
    force: bool
    registry: Registry
    outcome: Outcome
    planned: dict[Path, tuple[str, Imported, str]] = field(default_factory=dict)


def _import_one(source: Path, batch: _Batch) -> list[tuple[Imported, Path | None]]:
    """Read one file and plan each document in it; what was planned, with its target."""
    outcome = batch.outcome
    try:
        documents = read_documents(source)
    except SourceError as error:
        outcome.errors.append(str(error))
        return []
    except Exception as error:  # a damaged file a library chokes on: never a traceback
        outcome.errors.append(f"{source}：文件无法读取（{type(error).__name__}），可能已损坏")
        return []
    targets: list[tuple[Imported, Path | None]] = []
    if documents:
        first = documents[0]
        encoding = f"，文字编码 {first.encoding}" if first.encoding else ""
        outcome.report.append(
            f"{source}：按{NAMES.get(first.container, first.container)}读取{encoding}"
        )
    for document in documents:
        outcome.reviews[-1].container = document.container + (
            f"（{document.encoding}）" if document.encoding else ""
        )
        for where, imported, named, name in _documents(source, document, batch.year, outcome):
            if document.scan is not None:  # read by OCR: never published unchecked
                outcome.reviews[-1].doubts.extend(mark_scanned(imported, document.scan, source))
            targets.append((imported, _place(_Plan(where, imported, named, name), batch)))
    return targets


@dataclass
class _Plan:
    """One document to write: where it came from, what it holds, which units it names."""

    where: str
    imported: Imported
    named: list[str]
    source_name: str


def _place(plan: _Plan, batch: _Batch) -> Path | None:
    """Check one document, find its department and file, and plan its writing; the file, or
    None where the document cannot be written."""
    year, department, registry, outcome = (
        batch.year,
        batch.department,
        batch.registry,
        batch.outcome,
    )
    out, force, planned = batch.out, batch.force, batch.planned
    where, imported, named = plan.where, plan.imported, plan.named
    if not imported.name:
        outcome.errors.append(
            f"{where}：找不到项目名称（标题下的“（项目名称）”或表中的“项目名称”）"
        )
        return None
    the_year = year or imported.year()
    if the_year is None:
        outcome.errors.append(f"{where}（{imported.name}）：无法从原文推断年度，请用 --year 指定")
        return None
    try:
        Report.model_validate(imported.data)
    except ValidationError as error:
        for problem in from_validation(error, Report, where, lambda loc: None):
            outcome.errors.append(str(problem))
        return None
    kind = DocumentKind(imported.data.get("kind", DocumentKind.REPORT.value))
    form = imported.data.get("form") or {}
    slug, why = registry.choose(department, named)
    # Beside the other document of its project-year, where one is already in data/.
    placement = place_document(
        out,
        the_year,
        imported.name,
        kind,
        slug,
        form.get("project_code"),
        imported.data.get("slug"),
    )
    if slug is None and placement.companion is None:
        outcome.errors.append(f"{where}：{why}")
        return None
    slug = slug or placement.department
    file_slug = placement.slug
    target = out / str(the_year) / str(slug) / f"{file_slug}.yml"
    if target in planned and _other_kind(planned[target][1], kind):
        file_slug = f"{file_slug}-{SECOND_SLUG[kind]}"  # both documents of a project-year at once
        target = target.with_name(f"{file_slug}.yml")
    if file_slug != (imported.data.get("slug") or slugify(imported.name)):
        imported.data["slug"] = file_slug
    if placement.companion is not None:
        outcome.report.append(
            f"{where}：与 {placement.companion}（{placement.companion_kind}）同属一个项目年度，"
            "写在它旁边"
        )
    if target in planned:
        outcome.errors.append(
            f"{where}（{imported.name}）与 {planned[target][0]} 会写入同一个文件 {target}"
        )
        return None
    text = to_yaml(imported.data, plan.source_name)
    if target.exists() and not force and target.read_text(encoding="utf-8") != text:
        outcome.errors.append(
            f"{target} 已存在；确认要覆盖时加 --force（已公开的报告请改用更正记录）"
        )
        return None
    planned[target] = (where, imported, text)
    outcome.report.extend(_summary(imported, where, target))
    return target


def _other_kind(planned: Imported, kind: DocumentKind) -> bool:
    """Whether a document planned for the same file is the other half of a project-year."""
    theirs = DocumentKind(planned.data.get("kind", DocumentKind.REPORT.value))
    return (theirs is DocumentKind.TARGETS) != (kind is DocumentKind.TARGETS) and (
        DocumentKind.DEPARTMENT not in (theirs, kind)
    )


def _note(review: FileReview, imported: Imported, target: Path | None) -> None:
    """One document's findings on its file's review row."""
    data = imported.data
    if target is not None:
        review.written.append(str(target))
        review.year = review.year or target.parent.parent.name
    review.kind = review.kind or str(data.get("kind", DocumentKind.REPORT.value))
    form = data.get("form", {})
    review.unit = review.unit or str(form.get("implementer") or form.get("supervisor") or "")
    review.project = "、".join(p for p in (review.project, imported.name) if p)
    lines = data.get("budget", [])
    if lines:
        line = max(lines, key=lambda b: b.get("year", 0))
        adjusted = Decimal(line.get("initial", 0) or 0) + Decimal(line.get("supplementary", 0) or 0)
        adjusted -= Decimal(line.get("reduction", 0) or 0)
        review.budget = str(adjusted) if "initial" in line else ""
        review.executed = str(line.get("executed", ""))
    review.indicators += len(data.get("performance", {}).get("indicators", []))
    review.inferred.extend(imported.inferred)
    review.missing.extend(imported.missing)
    review.mismatches.extend(imported.mismatches)
    review.warnings.extend(imported.warnings)


def _summary(imported: Imported, where: str, target: Path) -> list[str]:
    kind = imported.data.get("kind", DocumentKind.REPORT.value)
    lines = [f"{where}：{imported.name}（{kind}）→ {target}"]
    lines.append(f"  已填写：{'、'.join(imported.filled) or '无'}")
    if imported.inferred:
        lines.append(f"  推断：{'；'.join(imported.inferred)}")
    if imported.missing:
        lines.append(f"  未找到：{'、'.join(imported.missing)}")
    if imported.data.get("incomplete"):
        lines.append("  不完整：已标为 incomplete: true，补全后删去这一行")
    for warning in imported.warnings:
        lines.append(f"  注意：{warning}")
    for mismatch in imported.mismatches:
        lines.append(f"  表内勾稽不符：{mismatch}")
    return lines


__all__ = ["Outcome", "import_files", "recognise"]
