"""The ``gongkai`` command: check the data, start a new report, write the JSON Schemas."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import jinja2

from gongkai.catalog import DEPARTMENTS_FILE, load_catalog
from gongkai.errors import DataErrors
from gongkai.schema import write_schemas
from gongkai.slug import slugify


def _check(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.data)
    except DataErrors as errors:
        print(errors.report(), file=sys.stderr)
        return 1
    years = "、".join(str(y) for y in catalog.years) or "无"
    print(
        f"检查通过：{len(catalog.departments)} 个部门，{len(catalog.projects)} 个项目，"
        f"{len(catalog.reports)} 份报告（年度：{years}）。"
    )
    return 0


def _new(args: argparse.Namespace) -> int:
    data = Path(args.data)
    department = args.department
    if department is None:
        slugs = _department_slugs(data)
        if len(slugs) != 1:
            known = "、".join(slugs) or "无"
            print(f"请用 --department 指定部门代号（部门名录中有：{known}）", file=sys.stderr)
            return 2
        department = slugs[0]
    slug = args.slug or slugify(args.name)
    path = data / str(args.year) / department / f"{slug}.yml"
    if path.exists():
        print(f"{path} 已存在，未覆盖。", file=sys.stderr)
        return 1
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gongkai", "templates"),
        autoescape=False,  # YAML, not HTML: the name is quoted as JSON, a subset of YAML.
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    text = env.get_template("skeleton.yml").render(
        name=args.name,
        name_yaml=json.dumps(args.name, ensure_ascii=False),
        slug=slug,
        year=args.year,
        schema_path="../../../schema/report.schema.json",
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"已新建 {path}（网址 /{args.year}/{slug}/）。填写后运行 gongkai check 检查。")
    return 0


def _department_slugs(data: Path) -> list[str]:
    import yaml

    try:
        listing = yaml.safe_load((data / DEPARTMENTS_FILE).read_text(encoding="utf-8-sig")) or {}
        return [
            d["slug"] for d in listing.get("departments", []) if isinstance(d, dict) and "slug" in d
        ]
    except (OSError, yaml.YAMLError, AttributeError):
        return []


def _schema(args: argparse.Namespace) -> int:
    for path in write_schemas(Path(args.out)):
        print(f"已写入 {path}")
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="gongkai", description="预算项目支出绩效信息公开：数据检查与维护"
    )
    main.add_argument("--data", default="data", help="数据目录（默认 data）")
    commands = main.add_subparsers(dest="command", required=True, metavar="命令")

    check = commands.add_parser("check", help="检查全部数据，列出所有错误")
    check.set_defaults(run=_check)

    new = commands.add_parser("new", help="新建一个项目年度报告的数据文件")
    new.add_argument("name", help="项目名称，如 保安费用")
    new.add_argument("--year", type=int, required=True, help="年度，如 2024")
    new.add_argument("--department", help="部门代号；部门名录只有一个部门时可省略")
    new.add_argument("--slug", help="网址名；默认由项目名称的拼音生成")
    new.set_defaults(run=_new)

    schema = commands.add_parser("schema", help="写出数据文件的 JSON Schema（供编辑器提示与检查）")
    schema.add_argument("--out", default="schema", help="输出目录（默认 schema）")
    schema.set_defaults(run=_schema)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
