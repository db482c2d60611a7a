"""Reading YAML data files safely, keeping the line of every value for error messages."""

from __future__ import annotations

import re
from array import array
from collections.abc import Hashable, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from gongkai.model.errors import DataError
from gongkai.model.parsedmemo import ParsedMemo

Location = tuple[int | str, ...]


_ALIAS = "不支持 YAML 锚点与别名（& 与 *），请把内容直接写出"

# Bounds checked before parsing: one project-year's data is a few kilobytes and five levels
# deep; past these a file is a mistake or an attack, and parsing it could exhaust the machine.
MAX_DATA_BYTES = 2 * 1024 * 1024
MAX_NESTING = 50


class _Constructing:
    """Construction shared by both parsers: exact decimals, dates as text, no repeated keys."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):  # a list as a key: PyYAML's own refusal follows
                break
            if key in seen:
                raise yaml.MarkedYAMLError(
                    None,
                    None,
                    f"字段 {key} 重复出现，后一个会覆盖前一个，请删去一个",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


_TAG = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MAP, _SEQ = (
    _TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)


class _Loader(_Constructing, yaml.SafeLoader):
    """The pure-Python parser: slow, but its errors are the ones translated into Chinese."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, _ALIAS, event.start_mark)
        return super().compose_node(parent, index)


# libyaml parses about ten times faster and keeps the same line marks; files it refuses are
# read again by the Python parser for the Chinese message.
_FastLoader: type | None = None
if yaml.__with_libyaml__:
    # The safe loader's rules for plain scalars, by first character (it has no others).
    _IMPLICIT: dict[str, list[tuple[str, re.Pattern[str]]]] = (
        yaml.CSafeLoader.yaml_implicit_resolvers
    )

    class _LibyamlLoader(_Constructing, yaml.CSafeLoader):
        """libyaml's parser with PyYAML's safe resolver asked the short way: libyaml calls
        back for every node, and the general resolver's steps (path rules, which the safe
        loader has none of) were a fifth of the time of reading a file."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is yaml.ScalarNode:
                if implicit[0]:
                    for tag, rule in _IMPLICIT.get(value[:1], ()):
                        if rule.match(value):
                            return tag
                return _STR
            return _MAP if kind is yaml.MappingNode else _SEQ

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    _FastLoader = _LibyamlLoader


def _decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node)
    try:
        number: Decimal | None = Decimal(text.replace("_", ""))
    except InvalidOperation:  # YAML's .inf and .nan, 1:30.5 (base 60): no amount is any
        number = None
    if number is None or not number.is_finite():
        raise yaml.constructor.ConstructorError(
            None, None, f"「{text}」不是一个具体的数，请写出数值", node.start_mark
        )
    return number


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text: the model reads them at day or month precision, and an impossible date
    # (2023-02-30) becomes a Chinese error instead of a crash inside PyYAML.
    return loader.construct_scalar(node)


for _loader in (_Loader, _FastLoader):
    if _loader is not None:
        _loader.add_constructor("tag:yaml.org,2002:float", _decimal)
        _loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_YAML_PROBLEMS = {
    "found character '\\t' that cannot start any token": "含有制表符（Tab），请改用空格缩进",
    "mapping values are not allowed here": "冒号位置不对：冒号后要有空格，或本行缩进不对",
    "could not find expected ':'": "缺少冒号，应写成「字段: 值」",
    "found undefined tag handler": "不支持的标签（以 ! 开头）",
    "could not determine a constructor for the tag": (
        "不支持的标签（如 !!python/object），出于安全不予读取"
    ),
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "but found '<stream end>'": "文件意外结束（引号或括号未闭合？）",
    "expected ',' or ']'": "方括号 [ ] 未闭合",
    "expected ',' or '}'": "花括号 { } 未闭合",
    "while scanning a quoted scalar": "引号未闭合",
    "expected <block end>, but found": "缩进不一致，请检查本行与上一行的缩进",
    "did not find expected key": "缩进不一致或缺少「- 」",
    "found duplicate anchor": "不支持 YAML 锚点与别名（& 与 *）",
    "found unhashable key": "字段名只能是一个词，不能是列表或映射（以 ? 开头的写法）",
    "but found another document": "一个文件只能写一份报告，请删去 --- 及其后的内容，另建文件",
}


class YamlDocument:
    """A parsed data file: its Python data and the line of each location in it."""

    def __init__(self, data: Any, lines: dict[Location, int]) -> None:
        self.data = data
        self.lines: Mapping[Location, int] = _Lines.of(lines)

    def line_of(self, loc: Location) -> int | None:
        """The line of ``loc``, or of its nearest enclosing value that exists."""
        loc = tuple(loc)
        while loc and loc not in self.lines:
            loc = loc[:-1]
        return self.lines.get(loc)

    def forget_data(self) -> None:
        """Let the parsed data go once a model holds it: the lines stay, for the messages
        that name one (at 10,000 project-years the data of every file is 35 MB)."""
        self.data = None


# Each shape of document met, with the place of each of its locations: as many as the forms
# of the files read (at most one per file), shared by every document of that form.
_SHAPES: dict[tuple[Location, ...], dict[Location, int]] = {}


class _Lines(Mapping[Location, int]):
    """The line of each location of one document, kept small: documents of one form share
    their shape (the same locations in the same order) and each keeps only its line numbers,
    4 bytes a value (at 10,000 project-years: 92 MB as a dictionary per file, 3 MB so)."""

    __slots__ = ("_numbers", "_places")

    def __init__(self, places: dict[Location, int], numbers: array[int]) -> None:
        self._places, self._numbers = places, numbers

    @classmethod
    def of(cls, lines: dict[Location, int]) -> _Lines:
        shape = tuple(lines)
        places = _SHAPES.get(shape)
        if places is None:
            places = _SHAPES[shape] = {loc: place for place, loc in enumerate(shape)}
        return cls(places, array("I", lines.values()))

    def __getitem__(self, loc: Location) -> int:
        return self._numbers[self._places[loc]]

    def __contains__(self, loc: object) -> bool:
        return loc in self._places

    def __iter__(self) -> Iterator[Location]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)


class _Aliased(Exception):
    """A node met twice: the document uses an alias (*name)."""

    def __init__(self, node: Any) -> None:
        self.node = node


def _record_lines(
    node: Any, loc: Location, lines: dict[Location, int], seen: set[int] | None = None
) -> None:
    """Note the line of every value; a node met twice is an alias, refused at once (before
    an alias bomb could be expanded)."""
    seen = set() if seen is None else seen
    if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
        if id(node) in seen:
            raise _Aliased(node)
        seen.add(id(node))
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):  # explained by the constructor
                raise yaml.constructor.ConstructorError(
                    None, None, "found unhashable key", key_node.start_mark
                )
            child = (*loc, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            _record_lines(value_node, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*loc, index), lines, seen)


def read_yaml(
    path: Path, shown_as: str, memo: ParsedMemo | None = None
) -> YamlDocument | DataError:
    """Read one data file; a problem comes back as a :class:`DataError`, never raised. With a
    ``memo`` of earlier builds, a file of the same bytes is not parsed again."""
    try:
        size = path.stat().st_size
        if size > MAX_DATA_BYTES:
            return _too_large(shown_as, size)
        raw = path.read_bytes()
    except OSError as error:
        return DataError(shown_as, None, None, f"无法读取文件（{error.strerror}）")
    if memo is not None and len(raw) <= MAX_DATA_BYTES:
        parsed = memo.get(raw)
        if parsed is not None:
            return YamlDocument(*parsed)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return DataError(
            shown_as, line, None, "文件不是 UTF-8 编码（可能是 GBK）；请在编辑器中另存为 UTF-8"
        )
    document = parse_yaml(text, shown_as)
    if memo is not None and isinstance(document, YamlDocument):
        memo.put(raw, (document.data, dict(document.lines)))
    return document


def parse_yaml(text: str, shown_as: str) -> YamlDocument | DataError:
    """Parse the text of a data file; a problem comes back as a :class:`DataError`."""
    if not text.strip():
        return DataError(shown_as, None, None, "文件是空的")
    if len(text) > MAX_DATA_BYTES:
        return _too_large(shown_as, len(text.encode("utf-8")))
    deep = _too_deep(text)
    if deep is not None:
        return DataError(
            shown_as,
            deep,
            None,
            f"嵌套超过 {MAX_NESTING} 层（括号或缩进套得太深），不像一份报告的数据；请检查本行",
        )
    fast = _parse_fast(text)
    if fast is not None:
        return fast
    return _parse_slow(text, shown_as)


def _too_large(shown_as: str, size: int) -> DataError:
    return DataError(
        shown_as,
        None,
        None,
        f"文件有 {size / 1024 / 1024:.1f} MB，超过数据文件上限 {MAX_DATA_BYTES // 1024 // 1024} MB；"
        "一个项目一年的数据只有几 KB，请检查是否放错了文件",
    )


def _too_deep(text: str) -> int | None:
    """The line where nesting passes :data:`MAX_NESTING`, or ``None``. Parsers recurse once
    per level, so depth is measured first from the event stream, which does not recurse;
    that costs a second pass, taken only when a cheap bound (indentation, dashes and
    brackets can each add at most one level) says the file might be that deep."""
    brackets = text.count("[") + text.count("{")
    widest = max((len(line) - len(line.lstrip(" -?:")) for line in text.splitlines()), default=0)
    if brackets + widest <= MAX_NESTING:
        return None
    # libyaml refuses some deep files outright (its own limit), so the pure-Python parser,
    # whose states are a list rather than recursion, has the last word.
    for loader_class in (_FastLoader, _Loader):
        if loader_class is None:
            continue
        loader = loader_class(text)
        depth = 0
        try:
            while loader.check_event():
                event = loader.get_event()
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    if depth > MAX_NESTING:
                        return event.start_mark.line + 1
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
            return None
        except yaml.YAMLError:
            continue
        finally:
            loader.dispose()
    return None  # malformed: the parsers below explain where


def _parse_fast(text: str) -> YamlDocument | None:
    """libyaml's reading of a well-formed file, or ``None`` for the slow path to explain."""
    if _FastLoader is None or ("&" in text and re.search(r"(^|[\s\[{,:-])[&*]\w", text)):
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Location, int] = {}
        data = None
        if node is not None:
            try:
                data = _built(loader, node, (), lines, set())
            except _Unusual:  # PyYAML's own constructor says what it is, or why not
                lines = {}
                _record_lines(node, (), lines)
                data = loader.construct_document(node)
    except (yaml.YAMLError, _Aliased, ValueError):
        return None
    finally:
        loader.dispose()
    return YamlDocument(data, lines)


class _Unusual(Exception):
    """A node the quick walk leaves to PyYAML's constructor: a merge key, a set, a repeated
    key, a tag it does not know."""


def _built(
    loader: Any, node: Any, loc: Location, lines: dict[Location, int], seen: set[int]
) -> Any:
    """The value of ``node``, its lines noted on the way: what PyYAML's constructor and
    :func:`_record_lines` give, in one walk without their general machinery (a third of the
    time of reading the data of a first build)."""
    lines.setdefault(loc, node.start_mark.line + 1)
    kind = type(node)
    if kind is yaml.ScalarNode:
        return _scalar(loader, node)
    if id(node) in seen:
        raise _Aliased(node)
    seen.add(id(node))
    if kind is yaml.MappingNode and node.tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode:
                raise _Unusual
            child = (*loc, key_node.value)
            lines[child] = key_node.start_mark.line + 1
            key = _scalar(loader, key_node)
            if key in mapping:
                raise _Unusual
            mapping[key] = _built(loader, value_node, child, lines, seen)
        return mapping
    if kind is yaml.SequenceNode and node.tag == _SEQ:
        return [
            _built(loader, item, (*loc, index), lines, seen)
            for index, item in enumerate(node.value)
        ]
    raise _Unusual


def _scalar(loader: Any, node: Any) -> Any:
    tag = node.tag
    if tag in (_STR, _TIMESTAMP):  # dates stay text (see _timestamp)
        return node.value
    if tag == _INT:
        return loader.construct_yaml_int(node)
    if tag == _FLOAT:
        return _decimal(loader, node)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return loader.bool_values[node.value.lower()]
    raise _Unusual  # a merge key, a binary, a tag of its own


def _parse_slow(text: str, shown_as: str) -> YamlDocument | DataError:
    try:
        loader = _Loader(text)  # the reader checks for unprintable characters here
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        return DataError(
            shown_as, line, None, f"含有不允许的控制字符（U+{error.character:04X}），请删去"
        )
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        return DataError(shown_as, line, None, _yaml_problem(error))
    except yaml.YAMLError as error:
        return DataError(shown_as, None, None, f"YAML 格式错误：{error}")
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return YamlDocument(data, lines)


def _yaml_problem(error: yaml.MarkedYAMLError) -> str:
    problem = f"{error.context or ''} {error.problem or ''}"
    for english, chinese in _YAML_PROBLEMS.items():
        if english in problem:
            return f"YAML 格式错误：{chinese}"
    if error.problem and not error.problem.isascii():
        return error.problem
    return f"YAML 格式错误：{(error.problem or error.context or '').strip()}"
