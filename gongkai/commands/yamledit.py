"""Surgical edits of a data file (数据文件): set one scalar, keep every comment and the layout.

A round-trip YAML library would re-indent the clerk's file; here only the one line that holds
(or will hold) the value changes, found through the line map the loader keeps.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from gongkai.files import write_text_atomically
from gongkai.model.errors import DataError
from gongkai.model.loader import Location, YamlDocument, parse_yaml


class EditError(Exception):
    """The file's layout does not allow a safe edit; the message says what to do by hand."""


def _value_at(data: Any, loc: Location) -> Any:
    for part in loc:
        if not isinstance(data, dict) or part not in data:
            return _MISSING
        data = data[part]
    return data


_MISSING = object()


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def set_scalar(path: Path, loc: Location, value: str, after: str | None = None) -> None:
    """Write ``value`` (a plain YAML scalar such as ``2024-03-05``) at ``loc``, which must be
    empty or missing. ``after`` names a sibling key to place a new key behind."""
    document = _read(path)
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    current = _value_at(document.data, loc)
    if current is not _MISSING and current is not None:
        raise EditError(f"{'.'.join(map(str, loc))} 已有值 {current}，不予覆盖")
    key = str(loc[-1])
    if current is None:  # "key:" with nothing after it (a comment may follow)
        number = document.lines[loc] - 1
        match = re.match(rf"^(\s*(?:-\s+)?{re.escape(key)}:)[ \t]*(#.*)?$", lines[number])
        if not match:
            raise EditError(f"第{number + 1}行格式特殊，请手工填写 {key}: {value}")
        comment = f"  {match.group(2)}" if match.group(2) else ""
        lines[number] = f"{match.group(1)} {value}{comment}"
    else:
        lines = _insert(document, lines, loc, f"{key}: {value}", after)
    write_text_atomically(path, "\n".join(lines))
    check = _read(path)
    if str(_value_at(check.data, loc)) != value:
        raise EditError(f"写入 {key} 后读回的值不符，请检查 {path}")


def _insert(
    document: YamlDocument, lines: list[str], loc: Location, text: str, after: str | None
) -> list[str]:
    parent = loc[:-1]
    parent_value = _value_at(document.data, parent)
    if parent_value is _MISSING:
        # Create the parent first, then put the key under it.
        lines = _insert(document, lines, parent, f"{parent[-1]}:", None)
        path_text = "\n".join(lines)
        document = _parse(path_text)
        return _insert(document, path_text.split("\n"), loc, text, after)
    if parent_value is not None and not isinstance(parent_value, dict):
        raise EditError(f"{'.'.join(map(str, parent))} 不是「字段: 值」形式，请手工填写")
    if not parent:  # top level: append at the end
        while lines and not lines[-1].strip():
            lines.pop()
        return [*lines, text, ""]
    parent_line = document.lines[parent] - 1
    if re.search(r":\s*[\[{]", lines[parent_line]):
        raise EditError(f"第{parent_line + 1}行使用了行内写法，请手工填写")
    children = [document.lines[(*parent, k)] - 1 for k in (parent_value or {})]
    indent = _indent(lines[children[0]]) if children else _indent(lines[parent_line]) + 2
    anchor = parent_line
    if after is not None and (*parent, after) in document.lines:
        anchor = document.lines[(*parent, after)] - 1
        if isinstance((parent_value or {}).get(after), dict | list):
            raise EditError(f"{after} 之后无法安全插入，请手工填写")
    return [*lines[: anchor + 1], " " * indent + text, *lines[anchor + 1 :]]


def _read(path: Path) -> YamlDocument:
    return _parse(path.read_text(encoding="utf-8-sig"), str(path))


def _parse(text: str, shown_as: str = "") -> YamlDocument:
    document = parse_yaml(text, shown_as)
    if isinstance(document, DataError):
        raise EditError(str(document))
    return document
