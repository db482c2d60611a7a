"""Data errors (数据错误) in Chinese, each naming file, line and field."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in one data file, worded for the clerk who must fix it."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path + (f" 第{self.line}行" if self.line else "")
        return f"{where} {self.field}：{self.message}" if self.field else f"{where}：{self.message}"


class DataErrors(Exception):
    """All problems found in one run; raised only after every file has been read."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__(self.report())

    def report(self) -> str:
        """The full list, one problem a line, with a count at the end."""
        lines = [str(error) for error in self.errors]
        lines.append(f"共发现 {len(self.errors)} 处数据错误，网站未生成；请改正后重试。")
        return "\n".join(lines)


def field_path(loc: tuple[int | str, ...]) -> str:
    """The path of a field as the clerk reads it.

    >>> field_path(("budget", 1, "executed"))
    'budget[1].executed'
    """
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def field_label(model: type[BaseModel], loc: tuple[int | str, ...]) -> str | None:
    """The Chinese description of the field at ``loc``, for the error message."""
    current: Any = model
    label = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        info = fields[part]
        label = (info.description or "").split("，")[0].split("（")[0] or None
        current = inner_model(info.annotation)
    return label


def inner_model(annotation: Any) -> Any:
    """The model class inside ``list[X]``, ``X | None`` and the like, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "一组「字段: 值」"
    if isinstance(value, list):
        return "一个列表"
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "yes/true（是）" if value else "no/false（否）"
    text = str(value)
    text = text if len(text) <= 40 else text[:40] + "…"
    return f'"{text}"' if isinstance(value, str) else text


_MESSAGES = {
    "missing": "缺少此项（必填）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "list_type": "应为列表（每项另起一行，以“- ”开头）",
    "model_type": "应为若干「字段: 值」",
    "dict_type": "应为若干「字段: 值」",
    "model_attributes_type": "应为若干「字段: 值」",
    "string_type": "应为文字",
    "string_pattern_mismatch": "只能用小写英文字母、数字和连字符，如 baoan-feiyong",
}


# Errors about a whole group of fields, where echoing the group's content says nothing.
_NO_INPUT = {"missing", "extra_forbidden", "event_order", "indicator", "budget_years"}


def _message(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        parent = _model_at(model, error["loc"][:-1])
        allowed = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(error["loc"][-1]), allowed, n=1)
        hint = f"，是否应为 {close[0]}？" if close else f"；可用字段：{'、'.join(allowed)}"
        return f"未知字段{hint}"
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"应为以下之一：{'、'.join(part.strip() for part in expected.split(','))}"
    if kind in ("greater_than_equal", "less_than_equal"):
        word = "不小于" if kind == "greater_than_equal" else "不大于"
        return f"应{word} {ctx.get('ge', ctx.get('le'))}"
    if kind == "too_short":
        return f"至少要有 {ctx.get('min_length')} 项"
    return _MESSAGES.get(kind, error["msg"])


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        current = inner_model(current.model_fields[part].annotation)
        if current is None:
            return None
    return current


def from_validation(
    error: ValidationError, model: type[BaseModel], path: str, line_of: Any
) -> list[DataError]:
    """Translate pydantic's errors; ``line_of(loc)`` gives the line of a location."""
    found = []
    for item in error.errors():
        loc = tuple(item["loc"])
        message = _message(item, model)
        if item["type"] not in _NO_INPUT and "input" in item:
            message += f"，实际为 {_shown(item['input'])}"
        label = field_label(model, loc)
        name = field_path(loc) or None
        if name and label:
            name += f"（{label}）"
        found.append(DataError(path, line_of(loc), name, message))
    return found
