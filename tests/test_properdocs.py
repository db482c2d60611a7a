"""The stack's future: ProperDocs, the maintained fork of MkDocs 1.x, builds this site into the
same files as ``mkdocs build``, apart from the generator tag."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def _build(tool: str, site: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}
    result = subprocess.run(
        [sys.executable, "-m", tool, "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr


def _without_generator(path: Path) -> bytes:
    lines = path.read_bytes().splitlines(keepends=True)
    return b"".join(line for line in lines if b'name="generator"' not in line)


def test_properdocs_builds_the_same_files(tmp_path: Path) -> None:
    if importlib.util.find_spec("properdocs") is None:
        pytest.fail("properdocs is not installed: pip install -e '.[test]'")
    _build("mkdocs", tmp_path / "mkdocs")
    _build("properdocs", tmp_path / "properdocs")
    ours = sorted(p.relative_to(tmp_path / "mkdocs") for p in (tmp_path / "mkdocs").rglob("*"))
    theirs = sorted(
        p.relative_to(tmp_path / "properdocs") for p in (tmp_path / "properdocs").rglob("*")
    )
    assert ours == theirs
    differ = [
        str(name)
        for name in ours
        if (tmp_path / "mkdocs" / name).is_file()
        and _without_generator(tmp_path / "mkdocs" / name)
        != _without_generator(tmp_path / "properdocs" / name)
    ]
    assert differ == []
    generator = (tmp_path / "properdocs" / "index.html").read_text(encoding="utf-8")
    assert "ProperDocs" in generator
