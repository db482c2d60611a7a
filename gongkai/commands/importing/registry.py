"""The department registry (部门名录) as the import sees it: which department a document belongs
to, and new departments for a fresh start — named by the document itself (主管部门, 实施单位,
单位名称, 发布机构) and given a pinyin slug, without asking anything."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gongkai.commands.importing.writer import write_atomically
from gongkai.model.catalog import DEPARTMENTS_FILE
from gongkai.model.slug import slugify

_HEADER = (
    "# yaml-language-server: $schema=../schema/departments.schema.json\n"
    "# 部门名录：每个部门一项。slug（部门代号）就是 data/<年度>/ 下的目录名。\n"
)


@dataclass
class Registry:
    """The departments of ``data/departments.yml``, and those this import adds."""

    path: Path
    departments: list[dict[str, Any]] = field(default_factory=list)
    added: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, out: Path) -> Registry:
        path = out / DEPARTMENTS_FILE
        found: list[dict[str, Any]] = []
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            found = [d for d in data.get("departments", []) if isinstance(d, dict)]
        return cls(path, found)

    def find(self, text: str) -> str | None:
        """The slug of the department called or coded ``text``."""
        for department in self.departments + self.added:
            names = (department.get("slug"), department.get("name"), department.get("short_name"))
            if text in names:
                return str(department["slug"])
        return None

    def choose(self, requested: str | None, named: list[str]) -> tuple[str | None, str]:
        """The department's slug for a document, or None and why.

        ``requested`` (--department, a name or a slug) wins; otherwise a registry of one
        department is that department; otherwise the first unit the document names, found in
        the registry or added to it."""
        if requested:
            found = self.find(requested)
            if found:
                return found, ""
            if re.fullmatch(r"[a-z0-9-]+", requested):
                if named:  # a new code for the unit the document names
                    return self.add(named[0], requested), ""
                known = "、".join(str(d["slug"]) for d in self.departments) or "无"
                return (
                    None,
                    f"部门代号 {requested} 不在 {self.path} 中（有：{known}）；新部门请写部门全称",
                )
            return self.add(requested), ""
        for name in named:
            found = self.find(name)
            if found:
                return found, ""
        if named:  # a unit the registry does not know yet: a fresh start or a new department
            return self.add(named[0]), ""
        if len(self.departments) == 1:
            return str(self.departments[0]["slug"]), ""
        return (
            None,
            "文件中没有写明单位（主管部门、实施单位或发布机构），请用 --department 部门全称 指定",
        )

    def add(self, name: str, slug: str | None = None) -> str:
        """A new department called ``name``; its code the pinyin of the name unless given."""
        if slug is not None:
            self.added.append({"slug": slug, "name": name})
            return slug
        slug = base = slugify(name)
        taken = {str(d["slug"]) for d in self.departments + self.added}
        number = 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        self.added.append({"slug": slug, "name": name})
        return slug

    def save(self) -> None:
        """Append the added departments (existing entries and comments kept as they are)."""
        if not self.added:
            return
        entries = "".join(
            f"  - slug: {d['slug']}\n    name: {json.dumps(d['name'], ensure_ascii=False)}\n"
            for d in self.added
        )
        if self.path.is_file():
            text = self.path.read_text(encoding="utf-8").rstrip("\n") + "\n" + entries
        else:
            text = _HEADER + "departments:\n" + entries
        write_atomically(self.path, text)
