"""Site settings (设置): the typed schema of ``extra.gongkai`` in ``mkdocs.yml``.

This module is the one place the settings and their defaults are defined; the hooks and the
CLI both load them through :func:`load_settings`. A wrong type or an unknown key is a
:class:`SettingsError` whose Chinese message names the key, the expected type and the file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from gongkai.checks.deadlines import DeadlineRule
from gongkai.checks.scoring import ScoringRules
from gongkai.pages import version_folder

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
DEFAULT_INDEX_PATTERN = "{code}-{year}-{serial:04d}"
CONFIG_KEY = "extra.gongkai"
# Set by `gongkai freeze` for the builds of one archived version: data up to this year.
VERSION_ENV = "GONGKAI_VERSION"
# Also set ("1") for the build of that version's own pages under banben/<year>/.
VERSION_PAGES_ENV = "GONGKAI_VERSION_PAGES"
# Set by the clerk for a folder to open from disk: GONGKAI_OFFLINE=1 mkdocs build.
OFFLINE_ENV = "GONGKAI_OFFLINE"


class SettingsError(ValueError):
    """A setting that is not valid; the message is Chinese and names the key."""


def _exact_number(value: object) -> object:
    """A YAML number (0.05 is read as a float) as the exact decimal it was written as."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return Decimal(str(value))


ExactNumber = Annotated[Decimal, BeforeValidator(_exact_number), Field(strict=False)]


def _address(value: str | None) -> str | None:
    """A link the footer may carry: http(s), mailto or a path on the site; nothing that runs."""
    if value is None:
        return None
    if not re.match(r"^(https?://|mailto:|/|\.{0,2}/?[\w-])", value) or value.lower().startswith(
        ("javascript:", "data:", "vbscript:")
    ):
        raise ValueError("应为网址（http:// 或 https:// 开头）")
    return value


INDEX_FIELDS = ("code", "credit_code", "department", "year", "serial")


def _index_pattern(value: str) -> str:
    """A 索引号 pattern that names only known fields and formats a sample number."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
        unknown = sorted(set(names) - set(INDEX_FIELDS))
        if unknown:
            raise ValueError(
                f"索引号格式中的 {{{unknown[0]}}} 不认识，可用 " + "、".join(INDEX_FIELDS)
            )
        value.format(code="X", credit_code="X", department="x", year=2023, serial=1)
    except (IndexError, KeyError, TypeError) as error:
        raise ValueError(f"索引号格式写法有误（{error}），如 {DEFAULT_INDEX_PATTERN}") from None
    except ValueError as error:
        if "不认识" in str(error):
            raise
        raise ValueError(f"索引号格式写法有误，如 {DEFAULT_INDEX_PATTERN}") from None
    if "serial" not in names:
        raise ValueError("索引号格式必须含流水号 {serial}，否则同一年度的索引号会重复")
    return value


class Portal(BaseModel):
    """The portal's footer (网站页脚), as government website rules require; a key left out is
    left out of the footer, never invented."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    organizer: str | None = Field(None, description="主办单位")
    contact: str | None = Field(None, description="联系方式")
    site_code: str | None = Field(None, description="网站标识码")
    icp: str | None = Field(None, description="ICP备案号")
    police_record: str | None = Field(None, description="公网安备案号")
    error_report_url: Annotated[str | None, AfterValidator(_address)] = Field(
        None, description="纠错（“我要纠错”）的网址"
    )


class Options(BaseModel):
    """What a department may set under ``extra.gongkai``; defaults follow the law and common
    practice."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    data_dir: str = Field("data", description="数据目录，相对于 mkdocs.yml")
    deadline_days: int = Field(
        20, ge=1, le=366, description="公开期限：批复后多少日内公开（预算法第十四条：20）"
    )
    shift_to_working_day: bool = Field(
        False, description="期限末日逢法定节假日顺延到下一个工作日（民法典第二百零三条）"
    )
    due_soon_days: int = Field(5, ge=0, le=366, description="gongkai check 提示几天内到期的事项")
    index_pattern: Annotated[str, AfterValidator(_index_pattern)] = Field(
        DEFAULT_INDEX_PATTERN,
        description=(
            "索引号格式：code 机构代码（未填时用部门代号），credit_code 统一社会信用代码，"
            "department 部门代号，year 年度，serial 流水号；如 {credit_code}/{year}-{serial:05d}"
        ),
    )
    topic: str = Field(
        "财政、金融、审计", description="主题分类（政府信息公开目录），报告可自行填写"
    )
    execution_weight: ExactNumber = Field(
        Decimal(10), ge=0, le=100, description="预算执行率的分值（报告自己写了分值时以报告为准）"
    )
    score_tolerance: ExactNumber = Field(
        Decimal("0.05"), ge=0, le=10, description="报告所填得分与计算相差多少以内不算不符"
    )
    audit_page: bool = Field(False, description="生成内部使用的“自动审核”页（对外发布时不要打开）")
    offline: bool = Field(
        False, description="为直接从文件夹打开（file://）而生成：链接直接指向 .html 文件"
    )
    portal: Portal = Field(default_factory=Portal, description="页脚：主办单位、联系方式等")


class Settings(Options):
    """The options in effect for one build or command, with where the project lives."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    root: Path = Path(".")
    site_name: str = ""
    site_url: str = ""  # mkdocs.yml's site_url: the site's full address, for print and the feed
    until_year: int | None = None  # set while an archived version is built
    # Set while an archived version's own pages are built, under banben/<year>/: the folder.
    version_folder: str = ""

    @property
    def data_path(self) -> Path:
        return self.root / self.data_dir

    @cached_property
    def rule(self) -> DeadlineRule:
        # Cached: the holiday calendar behind it is costly to build once per event.
        return DeadlineRule(self.deadline_days, self.shift_to_working_day)

    @cached_property
    def scoring(self) -> ScoringRules:
        return ScoringRules(execution_weight=self.execution_weight, tolerance=self.score_tolerance)


_TYPES = {
    "int_type": "整数，如 20",
    "int_parsing": "整数，如 20",
    "bool_type": "true 或 false",
    "string_type": "文字",
    "decimal_type": "数字，如 0.05",
    "decimal_parsing": "数字，如 0.05",
}


def _message(error: Mapping[str, Any], config_name: str) -> str:
    key = ".".join(str(part) for part in error["loc"])
    where = f"{config_name} {CONFIG_KEY}.{key}"
    kind = error["type"]
    if kind == "extra_forbidden":
        known = Portal.model_fields if error["loc"][0] == "portal" else Options.model_fields
        close = difflib.get_close_matches(str(error["loc"][-1]), list(known), n=1)
        hint = f"，是否应为 {close[0]}？" if close else ""
        return f"{where}：未知的设置项{hint}（可用的设置项见数据格式说明）"
    shown = repr(error.get("input"))
    if kind in _TYPES:
        return f"{where}：应为{_TYPES[kind]}，实际为 {shown}"
    if kind in ("greater_than_equal", "less_than_equal"):
        limit = error.get("ctx", {})
        bound = f"不小于 {limit['ge']}" if "ge" in limit else f"不大于 {limit['le']}"
        return f"{where}：应{bound}，实际为 {shown}"
    return f"{where}：{error['msg'].removeprefix('Value error, ')}，实际为 {shown}"


def load_settings(
    options: Mapping[str, Any] | None,
    root: Path,
    *,
    site_name: str = "",
    site_url: str = "",
    config_name: str = "mkdocs.yml",
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """The settings from ``extra.gongkai`` (``options``), checked against :class:`Options`,
    with what the environment says about this build (an archived year, an offline copy)."""
    environ = os.environ if environ is None else environ
    if options is not None and not isinstance(options, Mapping):
        raise SettingsError(f"{config_name} {CONFIG_KEY}：应为若干「设置项: 值」")
    try:
        checked = Options.model_validate(dict(options or {}))
    except ValidationError as invalid:
        messages = [_message(e, config_name) for e in invalid.errors()]
        raise SettingsError("\n".join(messages)) from None
    values = checked.model_dump()
    if environ.get(OFFLINE_ENV):
        values["offline"] = True
    version = environ.get(VERSION_ENV)
    return Settings(
        **values,
        root=root,
        site_name=site_name,
        site_url=site_url,
        until_year=int(version) if version else None,
        version_folder=version_folder(int(version))
        if version and environ.get(VERSION_PAGES_ENV)
        else "",
    )


def read_mkdocs_yml(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of the project whose ``mkdocs.yml`` is ``path``; defaults without one."""
    if not path.is_file():
        return load_settings(None, path.parent, config_name=path.name, environ=environ)
    loader = type("_Loose", (yaml.SafeLoader,), {})
    # mkdocs.yml may carry !!python/name tags (Material's emoji); they are not ours to read.
    loader.add_multi_constructor("", lambda _loader, _suffix, _node: None)
    try:
        config = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader) or {}
    except yaml.YAMLError as error:
        raise SettingsError(f"{path.name} 不是有效的 YAML：{error}") from None
    extra = config.get("extra") or {}
    return load_settings(
        extra.get("gongkai") if isinstance(extra, dict) else None,
        path.parent,
        site_name=str(config.get("site_name") or ""),
        site_url=str(config.get("site_url") or ""),
        config_name=path.name,
        environ=environ,
    )


def today() -> dt.date:
    """The date in China; ``SOURCE_DATE_EPOCH`` fixes it, so that a rebuild gives the same files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), CHINA).date()
    return clock_today()


def clock_today() -> dt.date:
    """The real date in China, whatever ``SOURCE_DATE_EPOCH`` says."""
    return dt.datetime.now(CHINA).date()
