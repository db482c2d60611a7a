"""The ``gongkai`` command: check the data, start a new report, write the JSON Schemas."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import errno
import json
import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from gongkai.checks.audit import Severity, tally
from gongkai.checks.frozen import ARCHIVE_DIR
from gongkai.checks.ledger import EVENTS
from gongkai.commands import archive, faultrecord
from gongkai.commands.linkcheck import check_links
from gongkai.commands.placing import place_document
from gongkai.commands.publish import publish
from gongkai.commands.schema import write_schemas
from gongkai.commands.yamledit import EditError
from gongkai.files import remove_leftovers, why_not_written, write_text_atomically
from gongkai.lock import LockError, writer_lock
from gongkai.model.catalog import department_slugs
from gongkai.model.errors import DataErrors
from gongkai.model.report import SLUG_PATTERN, DocumentKind
from gongkai.render.environment import environment
from gongkai.settings import Settings, SettingsError, read_mkdocs_yml
from gongkai.site import EventRow, Site, load_site

EXIT_DATA_ERROR = 1
EXIT_OVERDUE = 3
EXIT_AUDIT = 4
EXIT_BUSY = 5  # another command is writing the data folder
EXIT_FAULT = 70  # a fault in gongkai itself (EX_SOFTWARE of sysexits.h)
EXIT_INTERRUPTED = 130  # Ctrl+C, as shells report a SIGINT


def _settings(args: argparse.Namespace) -> Settings:
    settings = read_mkdocs_yml(Path(args.config))
    if args.data is not None:
        settings = settings.model_copy(update={"root": Path("."), "data_dir": args.data})
    return settings


def _load(args: argparse.Namespace, on: dt.date | None = None) -> Site | None:
    try:
        return load_site(_settings(args), on)
    except DataErrors as errors:
        print(errors.report(), file=sys.stderr)
        return None


def _event_line(row: EventRow) -> str:
    entry, assessment = row.entry, row.assessment
    deadline = assessment.deadline.isoformat() if assessment.deadline else "—"
    approved = row.state.approved.iso() if row.state.approved else "—"
    what = f"{entry.source} {entry.name}（{entry.year}年度）{row.label}"
    return f"  {what}：批复 {approved}，期限 {deadline}，{assessment.label}"


def _check(args: argparse.Namespace) -> int:
    site = _load(args, _date(args.today) if args.today else None)
    if site is None:
        return EXIT_DATA_ERROR
    catalog = site.catalog
    years = "、".join(str(y) for y in catalog.years) or "无"
    print(
        f"检查通过：{len(catalog.departments)} 个部门，{len(catalog.projects)} 个项目，"
        f"{len(catalog.reports)} 份报告（年度：{years}）。"
    )
    if args.due_days is not None:
        site.settings = site.settings.model_copy(update={"due_soon_days": args.due_days})
    status = 0
    if not site.settings.site_url:
        print(
            "提示：mkdocs.yml 中 site_url（网站的完整地址）未填写，打印出的页面上网址只有路径；"
            "部署前请填写，如 site_url: https://www.example.gov.cn/yujuesuan/"
        )
    blank = [f for f in site.findings if f.check == "报告大部分未填写"]
    for finding in blank:
        print(f"警告：{finding.source}：{finding.message}（--strict 时不通过）")
    if args.strict:
        errors = [f for f in site.findings if f.severity is Severity.ERROR]
        if errors:
            print(f"自动审核发现 {len(errors)} 处错误（--strict）：", file=sys.stderr)
            print("\n".join(str(f) for f in errors), file=sys.stderr)
            status = EXIT_AUDIT
    due, overdue = site.due_soon(), site.overdue()
    if due:
        print(f"{site.settings.due_soon_days} 天内到期、尚未公开（截至 {site.today}）：")
        print("\n".join(_event_line(row) for row in due))
    if overdue:
        print(f"已逾期、尚未公开（截至 {site.today}）：", file=sys.stderr)
        print("\n".join(_event_line(row) for row in overdue), file=sys.stderr)
        return status or EXIT_OVERDUE
    return status


def _audit(args: argparse.Namespace) -> int:
    site = _load(args)
    if site is None:
        return EXIT_DATA_ERROR
    findings = site.findings
    for finding in findings:
        print(finding)
    counted = tally(findings, lambda f: f.severity, Severity)
    print(
        "审核完成："
        + "，".join(f"{severity.value} {counted[severity]} 项" for severity in Severity)
        + "。"
    )
    return 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SystemExit(f"日期应写成 2024-03-05，实际为 {text}") from None


def _publish(args: argparse.Namespace) -> int:
    site = _load(args)
    if site is None:
        return EXIT_DATA_ERROR
    on = _date(args.date) if args.date else site.today
    events = tuple(args.event) if args.event else tuple(EVENTS)
    only = {str(Path(f)) for f in args.files} if args.files else None
    try:
        stamps = publish(site.catalog, site.settings, on, events, only)
    except EditError as error:
        print(f"未能写入：{error}", file=sys.stderr)
        return EXIT_DATA_ERROR
    for stamp in stamps:
        print(f"{stamp.action}：{stamp.entry.source} {stamp.field} = {stamp.value}")
    print(f"共 {len(stamps)} 项。" if stamps else "没有需要记录的公开事项。")
    return 0


def _new(args: argparse.Namespace) -> int:
    data = _settings(args).data_path
    kind = DocumentKind(args.kind)
    if args.slug is not None and not re.fullmatch(SLUG_PATTERN, args.slug):
        print(
            f"网址名只能由小写拉丁字母、数字和单个连字符组成，如 baoan-feiyong，实际为 {args.slug}",
            file=sys.stderr,
        )
        return 2
    if not 1990 <= args.year <= 2100:  # the years a report may hold (gongkai.model.report)
        print(f"年度应为 1990 到 2100 之间的四位数，如 2024，实际为 {args.year}", file=sys.stderr)
        return 2
    # Beside the other document of its project-year (its 绩效目标表, or its 自评表) if one is there.
    placement = place_document(
        data, args.year, args.name, kind, department=args.department, slug=args.slug
    )
    department = placement.department
    slugs = department_slugs(data)
    known = "、".join(slugs) or "无"
    if department is None:
        if len(slugs) != 1:
            print(f"请用 --department 指定部门代号（部门名录中有：{known}）", file=sys.stderr)
            return 2
        department = slugs[0]
    if department not in slugs:  # nor a path out of the data folder
        print(
            f"部门代号 {department} 不在部门名录中（有：{known}）；"
            "请改用名录中的代号，或先在部门名录 departments.yml 中登记这个部门",
            file=sys.stderr,
        )
        return 2
    slug = placement.slug
    path = data / str(args.year) / department / f"{slug}.yml"
    if path.exists():
        print(f"{path} 已存在，未覆盖。", file=sys.stderr)
        return 1
    # YAML, not HTML: no escaping; the name is quoted as JSON, a subset of YAML.
    # A narrative report's skeleton, or a form's (自评表, 绩效目标表, 部门整体) in its layout.
    template = "skeleton.yml" if kind is DocumentKind.REPORT else "skeleton-form.yml"
    titles = {
        DocumentKind.FORM: "项目支出绩效自评表",
        DocumentKind.TARGETS: "项目支出绩效目标表",
        DocumentKind.DEPARTMENT: "部门整体支出绩效自评表",
    }
    text = (
        environment(html=False)
        .get_template(template)
        .render(
            name=args.name,
            name_yaml=json.dumps(args.name, ensure_ascii=False),
            slug=slug,
            year=args.year,
            kind=kind.value,
            title=titles.get(kind, ""),
            schema_path="../../../schema/report.schema.json",
        )
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, text)
    print(f"已新建 {path}（网址 /{args.year}/{slug}/）。填写后运行 gongkai check 检查。")
    if placement.companion is not None:
        print(
            f"与 {placement.companion}（{placement.companion_kind}）同属一个项目年度，"
            "网站会把两份文件放在一起对照。"
        )
    return 0


def _schema(args: argparse.Namespace) -> int:
    for path in write_schemas(Path(args.out)):
        print(f"已写入 {path}")
    return 0


def _linkcheck(args: argparse.Namespace) -> int:
    site = Path(args.site)
    if not (site / "index.html").is_file():
        print(
            f"{site} 不是生成的网站目录（没有 index.html）；请先运行 mkdocs build", file=sys.stderr
        )
        return EXIT_DATA_ERROR
    broken = check_links(site)
    for link in broken:
        print(link)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"检查了 {pages} 个页面，发现 {len(broken)} 个坏链接。")
    return EXIT_DATA_ERROR if broken else 0


def _freeze(args: argparse.Namespace) -> int:
    site = _load(args)
    if site is None:
        return EXIT_DATA_ERROR
    on = _date(args.date) if args.date else site.today
    try:
        manifest = archive.freeze(
            site.settings.root, site.settings.data_path, args.year, on, args.update
        )
    except archive.ArchiveError as error:
        print(str(error), file=sys.stderr)
        return EXIT_DATA_ERROR
    verb = "重新生成" if args.update else "归档"
    print(
        f"已{verb} {args.year}年度（归档日期 {manifest.frozen}）：{len(manifest.data)} 个数据文件，"
        f"{len(manifest.pages)} 个网站文件（该年度的与该版本的）；"
        f"清单 {archive.ARCHIVE_DIR}/{args.year}.json。"
        "请提交 archive/ 与 gh-pages 分支。"
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        out = archive.export(settings.root, Path(args.out))
    except archive.ArchiveError as error:
        print(str(error), file=sys.stderr)
        return EXIT_DATA_ERROR
    broken = check_links(out)
    for link in broken:
        print(link, file=sys.stderr)
    versions = json.loads((out / "versions.json").read_text(encoding="utf-8"))
    names = "、".join(v["title"] for v in versions)
    print(f"已导出到 {out}：版本 {names}；坏链接 {len(broken)} 个。")
    return EXIT_DATA_ERROR if broken else 0


def _no_config(args: argparse.Namespace) -> str | None:
    """What to do when there is no site configuration to build or preview from."""
    if Path(args.config).is_file():
        return None
    return (
        f"找不到网站配置文件 {args.config}（当前文件夹 {Path.cwd()}）：请在网站项目的文件夹"
        "（有 mkdocs.yml 和 data 的那个）中运行，或用 --config 指定 mkdocs.yml 的位置。"
    )


def _with_context(error: BaseException | None) -> Iterator[BaseException]:
    """``error`` and each error it was raised while handling (MkDocs' cleaning up after a
    failed start can fail too, hiding the first)."""
    while error is not None:
        yield error
        error = error.__context__


def _about_the_address(error: BaseException) -> bool:
    """Whether the preview could not listen where it was told (another failure is told as
    itself: a folder that cannot be written was blamed on the address)."""
    return any(
        isinstance(cause, socket.gaierror)
        or (
            isinstance(cause, OSError)
            and cause.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES)
            and cause.filename is None
        )
        for cause in _with_context(error)
    )


def _taken(error: BaseException) -> bool:
    """Whether the address was in use."""
    return any(
        isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE
        for cause in _with_context(error)
    )


def _build(args: argparse.Namespace) -> int:
    """``gongkai build``: the site, built whole or not at all (see gongkai.commands.building)."""
    from gongkai.commands.building import BuildFailed, Told, build_site

    if missing := _no_config(args):
        print(missing, file=sys.stderr)
        return EXIT_DATA_ERROR

    handler = logging.StreamHandler()
    handler.setFormatter(Told())
    handler.setLevel(logging.WARNING)  # what went wrong, not every step
    logging.getLogger("mkdocs").addHandler(handler)
    _settings(args)  # a wrong setting is reported here, in Chinese, before MkDocs starts
    try:
        site = build_site(
            Path(args.config), args.strict, Path(args.site_dir) if args.site_dir else None
        )
    except BuildFailed as error:  # the build's own messages were logged above
        print(str(error), file=sys.stderr)
        return EXIT_DATA_ERROR
    except KeyboardInterrupt:
        print("已中断：网站未生成，原有网站保持不变。", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
    print(f"网站已生成：{site}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """``mkdocs serve --dirty`` with gongkai's dependency rules: after the first build, saving a
    data file rewrites only the pages and downloads it touches (see gongkai.dependencies)."""

    from mkdocs.commands.serve import serve

    # What `mkdocs serve` prints: build messages and errors, in the terminal.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s - %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    if missing := _no_config(args):
        print(missing, file=sys.stderr)
        return EXIT_DATA_ERROR
    _settings(args)  # a wrong setting is reported here, in Chinese, before MkDocs starts
    print(f"预览地址 http://{args.dev_addr}/ ；保存数据文件后页面自动更新。按 Ctrl+C 结束。")
    try:
        serve(
            config_file=args.config,
            build_type="dirty",
            livereload=True,  # MkDocs watches the files only with live reload on
            dev_addr=args.dev_addr,
        )
    except OSError as error:  # the address: taken by another preview, or not this machine's
        if not _about_the_address(error):  # the first build could not write, say
            print(f"预览未能开始：{why_not_written(error)}", file=sys.stderr)
            return EXIT_DATA_ERROR
        if _taken(error):
            why = "已被占用，可能已有一个 gongkai serve 在运行：请先关掉它，或"
        else:
            why = f"无法使用（{error.strerror or error}）：请"
        print(
            f"预览地址 {args.dev_addr} {why}用 --dev-addr 127.0.0.1:8001 换一个端口。",
            file=sys.stderr,
        )
        return EXIT_DATA_ERROR
    return 0


def _import(args: argparse.Namespace) -> int:
    from gongkai.commands.importing.review import write_review
    from gongkai.commands.importing.run import import_files

    settings = _settings(args)
    out = Path(args.out) if args.out else settings.data_path
    outcome = import_files(
        [Path(f) for f in args.files],
        out,
        args.year,
        args.department,
        args.force,
        progress=_progress,
    )
    review = out.parent / "导入核对.xlsx"
    try:
        write_review(review, outcome.reviews)
    except OSError as error:
        print(f"核对表 {review} 无法写入：{error}", file=sys.stderr)
    reviews = outcome.reviews
    for line in outcome.report:
        print(line)
    checks = sum(1 for r in reviews if r.result() == "请核对")
    failed = sum(1 for r in reviews if r.errors)
    summary = (
        f"共 {len(reviews)} 个文件：{len(reviews) - failed - checks} 个已导入，"
        f"{checks} 个已导入但需要核对，{failed} 个未能导入。核对表：{review}"
    )
    if outcome.errors:
        print("\n".join(outcome.errors), file=sys.stderr)
        print(summary, file=sys.stderr)
        written = (
            f"其余文件共写入 {outcome.written} 个数据文件。"
            if outcome.written
            else "没有写入任何文件。"
        )
        print(
            f"导入失败：{failed} 个文件有问题（{len(outcome.errors)} 处），这些文件没有导入；{written}"
            "请按核对表处理这些文件后重新导入。",
            file=sys.stderr,
        )
        return EXIT_DATA_ERROR
    print(summary)
    print(f"共写入 {outcome.written} 个文件。请逐项核对后运行 gongkai check。")
    return 0


def _progress(done: int, total: int) -> None:
    """A progress bar on the terminal for a batch; nothing when the output is not a terminal."""
    if total < 20 or not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // total
    end = "\n" if done == total else ""
    print(
        f"\r导入 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr
    )


class _Formatter(argparse.HelpFormatter):
    """Help in Chinese: the usage line is headed 用法."""

    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        # argparse asks with prefix "" for a subcommand's prog: that one must stay bare.
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


_ERRORS = {
    "the following arguments are required: ": "缺少参数：",
    "unrecognized arguments: ": "无法识别的参数：",
    "invalid choice: ": "无效的选择：",
    "invalid int value: ": "应为整数：",
    "expected one argument": "此选项需要一个值",
}


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese headings, help option and error messages, for the clerk."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, formatter_class=_Formatter, add_help=False, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        for english, chinese in _ERRORS.items():
            message = message.replace(english, chinese)
        message = message.replace("choose from", "可选").replace("argument ", "参数 ")
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def parser() -> argparse.ArgumentParser:
    main = _Parser(prog="gongkai", description="预算项目支出绩效信息公开：数据检查与维护")
    main.add_argument("--config", default="mkdocs.yml", help="网站配置文件（默认 mkdocs.yml）")
    main.add_argument("--data", help="数据目录（默认取配置中的 extra.gongkai.data_dir，即 data）")
    commands = main.add_subparsers(
        dest="command", required=True, metavar="命令", title="命令", parser_class=_Parser
    )

    check = commands.add_parser(
        "check",
        help="检查全部数据，列出所有错误和即将到期、已逾期的公开事项",
        description="退出码：0 正常；1 数据有错；3 有已逾期未公开的事项；4 --strict 时自动审核发现错误。",
    )
    check.add_argument("--strict", action="store_true", help="自动审核发现“错误”级问题时也不通过")
    check.add_argument("--due-days", type=int, help="提示几天内到期的事项（默认 5）")
    check.add_argument("--today", help="按哪一天计算（默认今天，如 2024-03-05）")
    check.set_defaults(run=_check)

    import_cmd = commands.add_parser(
        "import",
        help="把各单位报送的文件（Excel、WPS、Word、PDF、网页、文本，或整个文件夹）导入为数据文件",
    )
    import_cmd.add_argument(
        "files",
        nargs="+",
        help="文件（.xlsx .xls .et .docx .doc .wps .pdf .html .mhtml .txt）或放着它们的文件夹；"
        "一个文件可含多份报告或多个工作表",
    )
    import_cmd.add_argument("--year", type=int, help="年度（默认由标题、表头或网页发布日期推断）")
    import_cmd.add_argument("--department", help="部门代号（部门名录只有一个部门时可省略）")
    import_cmd.add_argument("--out", help="数据目录（默认 data）")
    import_cmd.add_argument("--force", action="store_true", help="覆盖已有的数据文件")
    import_cmd.set_defaults(run=_import)

    freeze = commands.add_parser(
        "freeze", help="归档一个年度：保存该年度的页面和该版本，并写归档清单"
    )
    freeze.add_argument("year", type=int, help="年度，如 2023")
    freeze.add_argument("--date", help="归档日期（默认今天）")
    freeze.add_argument("--update", action="store_true", help="更正已归档年度后重新生成该版本")
    freeze.set_defaults(run=_freeze)

    export = commands.add_parser(
        "export", help="把全部年度的网站导出为一个普通文件夹，交给网站管理员"
    )
    export.add_argument("out", help="导出到的空目录")
    export.set_defaults(run=_export)

    linkcheck = commands.add_parser("linkcheck", help="检查生成的网站中每个内部链接和锚点是否有效")
    linkcheck.add_argument("site", nargs="?", default="site", help="网站目录（默认 site）")
    linkcheck.set_defaults(run=_linkcheck)

    audit_cmd = commands.add_parser(
        "audit", help="自动审核全部报告：变化率、结论金额、雷同文字、模板残留、空白等"
    )
    audit_cmd.set_defaults(run=_audit)

    publish_cmd = commands.add_parser(
        "publish",
        help="记录公开日期：给已批复、尚未记录公开日期的事项写上今天（或 --date）的日期，"
        "并编排索引号",
    )
    publish_cmd.add_argument("files", nargs="*", help="只处理这些数据文件（默认全部）")
    publish_cmd.add_argument("--date", help="公开日期（默认今天），如 2024-03-05")
    publish_cmd.add_argument(
        "--event",
        action="append",
        choices=list(EVENTS),
        help="只记录此事项：targets 绩效目标，self_evaluation 自评报告",
    )
    publish_cmd.set_defaults(run=_publish)

    new = commands.add_parser("new", help="新建一个项目年度报告的数据文件")
    new.add_argument("name", help="项目名称，如 保安费用")
    new.add_argument("--year", type=int, required=True, help="年度，如 2024")
    new.add_argument("--department", help="部门代号；部门名录只有一个部门时可省略")
    new.add_argument("--slug", help="网址名；默认由项目名称的拼音生成")
    new.add_argument(
        "--kind",
        default=DocumentKind.REPORT.value,
        choices=[k.value for k in DocumentKind],
        help="文件种类（默认 自评报告；表格式的选 自评表、绩效目标表 或 部门整体）",
    )
    new.set_defaults(run=_new)

    build_cmd = commands.add_parser(
        "build", help="生成网站（与 mkdocs build 相同）：数据有错时不生成，原有网站保持不变"
    )
    build_cmd.add_argument("--strict", action="store_true", help="有警告也不生成")
    build_cmd.add_argument("-d", "--site-dir", help="网站生成到的目录（默认 site）")
    build_cmd.set_defaults(run=_build)

    serve_cmd = commands.add_parser(
        "serve", help="本机预览：改动数据文件后只重新生成受影响的页面，几秒内刷新"
    )
    serve_cmd.add_argument(
        "--dev-addr", default="127.0.0.1:8000", help="地址和端口（默认 127.0.0.1:8000）"
    )
    serve_cmd.set_defaults(run=_serve)

    schema = commands.add_parser("schema", help="写出数据文件的 JSON Schema（供编辑器提示与检查）")
    schema.add_argument("--out", default="schema", help="输出目录（默认 schema）")
    schema.set_defaults(run=_schema)
    return main


def _write_failure(error: OSError) -> str:
    """Why a write failed, for the clerk; every file is written whole or not at all
    (gongkai.files), so what was written is complete and the rest is as it was."""
    return (
        f"{why_not_written(error)}。已写入的文件都是完整的，没写成的保持原样；"
        "处理后重新运行同一命令即可接着完成，再运行 gongkai check 核对。"
    )


# The commands that write the data folder: one at a time (gongkai.lock).
_WRITERS = {"publish", "import", "new", "freeze", "export"}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    with _signals_stop_the_command():
        try:
            return _run(args)
        except Exception as error:  # a fault of gongkai itself: said in words, the details kept
            print(faultrecord.told(error), file=sys.stderr)
            return EXIT_FAULT


@contextlib.contextmanager
def _signals_stop_the_command() -> Iterator[None]:
    """Ctrl+C (SIGINT) and SIGTERM (``kill``, a service manager, a closed session) stop the
    command alike: its children are stopped, its temporary folders removed, what it wrote left
    whole. A preview that serves is asked to end between builds (gongkai.memory.end_session);
    any other command is interrupted where it is. Killed outright by SIGTERM, a preview left its
    folder behind and its downloads child writing on into it. A child forked meanwhile that
    does not choose otherwise is ended at once, as by default."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler (a test calling main from a thread)
        return
    command = os.getpid()

    def stop(signum: int, frame: object) -> None:
        if os.getpid() != command:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        memory = sys.modules.get("gongkai.memory")  # imported by the hooks, in a build
        if memory is not None and memory.end_session():
            return
        raise KeyboardInterrupt

    before = {number: signal.signal(number, stop) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def _run(args: argparse.Namespace) -> int:
    try:
        if args.command not in _WRITERS:
            return args.run(args)
        settings = _settings(args)
        out = getattr(args, "out", None)
        folder = Path(out) if args.command == "import" and out else settings.data_path
        try:
            with writer_lock(folder, args.command) as unfinished:
                if unfinished is not None:
                    print(unfinished.message(), file=sys.stderr)
                for place in (folder, settings.root / ARCHIVE_DIR):
                    remove_leftovers(place)  # half-written temporaries of a killed writer
                if unfinished is not None and unfinished.command == "freeze":
                    for line in archive.release_branch_locks(settings.root, unfinished.started()):
                        print(line, file=sys.stderr)
                return args.run(args)
        except OSError as error:  # a full disk, a read-only folder: say so, no traceback
            print(_write_failure(error), file=sys.stderr)
            return EXIT_DATA_ERROR
        except KeyboardInterrupt:
            print(
                "已中断。已写入的文件都是完整的，没写成的保持原样；"
                "重新运行同一命令即可接着完成，再运行 gongkai check 核对。",
                file=sys.stderr,
            )
            return EXIT_INTERRUPTED
    except SettingsError as error:  # mkdocs.yml is wrong: say where, no traceback
        print(str(error), file=sys.stderr)
        return EXIT_DATA_ERROR
    except LockError as error:
        print(str(error), file=sys.stderr)
        return EXIT_BUSY


if __name__ == "__main__":
    sys.exit(main())
