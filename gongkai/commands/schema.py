"""JSON Schemas of the data files (数据格式), for editors that check YAML as it is typed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gongkai.files import write_text_atomically
from gongkai.model.report import DepartmentList, Report

SCHEMAS = {
    "report.schema.json": (Report, "项目支出绩效自评报告（一个项目一个年度）"),
    "departments.schema.json": (DepartmentList, "部门名录"),
}


def schema_of(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one data file kind."""
    model, title = SCHEMAS[name]
    schema = model.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return schema


def schema_text(name: str) -> str:
    return json.dumps(schema_of(name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMAS:
        path = directory / name
        write_text_atomically(path, schema_text(name))
        written.append(path)
    return written
