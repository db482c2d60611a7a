"""The typed settings of ``extra.gongkai``: one loader for hooks and CLI, Chinese errors that
name the key, the type and mkdocs.yml, and a documented default for every setting."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build

from gongkai.commands import cli
from gongkai.settings import Options, Portal, SettingsError, load_settings, read_mkdocs_yml


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"deadline_days": "20"},
            "mkdocs.yml extra.gongkai.deadline_days：应为整数，如 20，实际为 '20'",
        ),
        (
            {"deadline_dayz": 20},
            "extra.gongkai.deadline_dayz：未知的设置项，是否应为 deadline_days？",
        ),
        ({"shift_to_working_day": "yes"}, "shift_to_working_day：应为true 或 false"),
        ({"deadline_days": 0}, "deadline_days：应不小于 1"),
        ({"execution_weight": "ten"}, "execution_weight：应为数字"),
    ],
)
def test_wrong_settings_say_which_key_and_type(options: dict, message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(options, ROOT, environ={})
    assert message in str(raised.value)


def test_settings_are_typed_and_exact() -> None:
    settings = load_settings(
        {"deadline_days": 15, "score_tolerance": 0.1, "execution_weight": 20}, ROOT, environ={}
    )
    assert settings.deadline_days == 15 and settings.rule.days == 15
    assert settings.score_tolerance == Decimal("0.1")  # the float 0.1 read as written
    assert settings.scoring.execution_weight == 20 and settings.scoring.tolerance == Decimal("0.1")
    assert settings.rule is settings.rule  # built once, not per event
    environ = {"GONGKAI_VERSION": "2023", "GONGKAI_OFFLINE": "1"}
    archived = load_settings(None, ROOT, environ=environ)
    assert archived.until_year == 2023 and archived.offline


def _with_options(tmp_path: Path, **options: object) -> Path:
    """A copy of the project with ``options`` set under extra.gongkai (replacing the sample's)."""
    project = copy_project(tmp_path / "project")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for key, value in options.items():
        line = f"    {key}: {yaml.safe_dump(value).splitlines()[0]}\n"
        text, found = re.subn(rf"^    {key}:.*\n", line, text, flags=re.MULTILINE)
        if not found:
            text = text.replace("  gongkai:\n", "  gongkai:\n" + line, 1)
    config.write_text(text, encoding="utf-8")
    return project


def test_check_and_build_refuse_a_wrong_setting_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _with_options(tmp_path, due_soon_dayz=3)
    code = cli.main(["--config", str(project / "mkdocs.yml"), "check"])
    err = capsys.readouterr().err
    assert (
        code == 1 and "extra.gongkai.due_soon_dayz：未知的设置项，是否应为 due_soon_days？" in err
    )
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0
    assert "extra.gongkai.due_soon_dayz：未知的设置项" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()


def test_the_cli_and_the_hooks_read_the_same_settings(tmp_path: Path) -> None:
    project = _with_options(tmp_path, deadline_days="20")
    with pytest.raises(SettingsError, match="deadline_days：应为整数"):
        read_mkdocs_yml(project / "mkdocs.yml")
    result = mkdocs_build(project, tmp_path / "site")
    assert result.returncode != 0 and "deadline_days：应为整数" in result.stderr


def test_every_setting_and_its_default_is_documented() -> None:
    text = (ROOT / "docs/shuju-geshi.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([\w.]+)` \| (.+?) \|", text, re.MULTILINE))
    assert set(Options.model_fields) <= set(rows)
    for name, field in Options.model_fields.items():
        if name == "portal":  # each footer item has its own row, all empty by default
            assert all(rows[f"portal.{key}"] == "（空）" for key in Portal.model_fields)
            continue
        default = field.default
        shown = str(default).lower() if isinstance(default, bool) else str(default)
        assert rows[name].strip("`") == shown, name
