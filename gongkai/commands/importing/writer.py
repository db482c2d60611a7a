"""Writing an imported report as a YAML data file that is pleasant to edit: the schema's key
order, block scalars for long text, Chinese as Chinese."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from pydantic import BaseModel

from gongkai.files import write_text_atomically
from gongkai.model.errors import inner_model
from gongkai.model.report import Report

LONG = 40  # characters: longer text goes into a block of its own


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a clerk edits each value where it stands: no &anchors or *aliases


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value or len(value) > LONG else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Decimal, _decimal)


def ordered(data: Any, model: type[BaseModel] | None = Report) -> Any:
    """``data`` with its keys in the order the model declares them."""
    if isinstance(data, list):
        return [ordered(item, model) for item in data]
    if not isinstance(data, dict) or model is None:
        return data
    fields = model.model_fields
    keys = [k for k in fields if k in data] + [k for k in data if k not in fields]
    return {
        k: ordered(data[k], inner_model(fields[k].annotation) if k in fields else None)
        for k in keys
    }


def to_yaml(data: dict[str, Any], source: str) -> str:
    header = (
        "# yaml-language-server: $schema=../../../schema/report.schema.json\n"
        f"# 由 gongkai import 从 {source} 导入；请核对后再公开。\n"
    )
    body = yaml.dump(
        ordered(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, indent=2
    )
    return header + body


write_atomically = write_text_atomically
