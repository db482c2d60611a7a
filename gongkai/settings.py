"""Site settings (设置), read from ``extra.gongkai`` in ``mkdocs.yml`` by the hooks and the CLI."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from gongkai.deadlines import DeadlineRule
from gongkai.scoring import ScoringRules

CHINA = dt.timezone(dt.timedelta(hours=8), "CST")
DEFAULT_INDEX_PATTERN = "{code}-{year}-{serial:04d}"


@dataclass(frozen=True)
class Settings:
    """Everything a department may configure; defaults follow the law and common practice."""

    root: Path = Path(".")
    data_dir: str = "data"
    deadline_days: int = 20
    shift_to_working_day: bool = False  # Civil Code 第二百零三条; off unless the bureau opts in
    due_soon_days: int = 5
    index_pattern: str = DEFAULT_INDEX_PATTERN
    execution_weight: int = 10  # 预算执行率的分值 (a report's own 分值 wins)
    score_tolerance: str = "0.05"  # stated scores closer than this to the computed ones agree
    audit_page: bool = False  # the audit page is for internal builds only
    until_year: int | None = None  # set while an archived version is built
    offline: bool = False  # build for file:// (USB stick): pages as .html files
    site_name: str = ""  # mkdocs.yml's site_name, for what the CLI writes outside a build
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def data_path(self) -> Path:
        return self.root / self.data_dir

    @cached_property
    def rule(self) -> DeadlineRule:
        # Cached: the holiday calendar behind it is costly to build once per event.
        return DeadlineRule(self.deadline_days, self.shift_to_working_day)

    @cached_property
    def scoring(self) -> ScoringRules:
        return ScoringRules(
            execution_weight=Decimal(self.execution_weight),
            tolerance=Decimal(str(self.score_tolerance)),
        )

    @classmethod
    def from_options(cls, options: dict[str, Any] | None, root: Path) -> Settings:
        options = dict(options or {})
        known = {k: options.pop(k) for k in list(options) if k in cls.__dataclass_fields__}
        known.pop("root", None)
        return cls(root=root, extra=options, **known)

    @classmethod
    def from_mkdocs_yml(cls, path: Path) -> Settings:
        """Read ``extra.gongkai``; a missing file gives the defaults."""
        if not path.is_file():
            return cls(root=path.parent)
        loader = type("_Loose", (yaml.SafeLoader,), {})
        # mkdocs.yml may carry !!python/name tags (Material's emoji); they are not ours to read.
        loader.add_multi_constructor("", lambda _loader, _suffix, _node: None)
        config = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=loader) or {}
        options = (config.get("extra") or {}).get("gongkai") or {}
        settings = cls.from_options(options, path.parent)
        return dataclasses.replace(settings, site_name=str(config.get("site_name") or ""))


def today() -> dt.date:
    """The date in China; ``SOURCE_DATE_EPOCH`` fixes it, so that a rebuild gives the same files."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), CHINA).date()
    return dt.datetime.now(CHINA).date()


def clock_today() -> dt.date:
    """The real date in China, whatever ``SOURCE_DATE_EPOCH`` says."""
    return dt.datetime.now(CHINA).date()
