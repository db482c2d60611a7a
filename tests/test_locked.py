"""Locked versions (issue 26): ``requirements/*.txt`` pin every dependency with hashes, made by
``uv pip compile --universal`` from ``pyproject.toml``; CI installs from them with
``--require-hashes``. These checks keep the lock and the project in step."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "deploy"))
LOCKS = {"runtime": ("ocr",), "test": ("ocr", "test"), "standalone": ("ocr", "standalone")}


def _pins(name: str) -> dict[str, list[tuple[Version, int]]]:
    """Each pinned package: its versions (one per environment marker) and their hashes."""
    from bundle import locked  # deploy/bundle.py reads the lock the same way

    pins: dict[str, list[tuple[Version, int]]] = {}
    for pin in locked(ROOT / "requirements" / f"{name}.txt"):
        pins.setdefault(canonicalize_name(pin.name), []).append((Version(pin.version), pin.hashes))
    return pins


def _wanted(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    named = list(project["dependencies"])
    for extra in extras:
        named += project["optional-dependencies"][extra]
    return [Requirement(r) for r in named]


def test_every_dependency_is_pinned_within_its_range_with_hashes() -> None:
    for name, extras in LOCKS.items():
        pins = _pins(name)
        assert pins, name
        for requirement in _wanted(extras):
            versions = pins.get(canonicalize_name(requirement.name))
            assert versions, f"{requirement.name} is not in requirements/{name}.txt"
            for version, _hashes in versions:
                assert requirement.specifier.contains(version, prereleases=True), (
                    f"requirements/{name}.txt pins {requirement.name}=={version}, "
                    f"pyproject.toml asks {requirement.specifier}: run the update in README"
                )
        # Every pin carries the hashes pip checks with --require-hashes.
        assert all(h > 0 for versions in pins.values() for _v, h in versions), name


def test_the_test_and_standalone_locks_pin_what_the_runtime_lock_pins() -> None:
    # The suite tests, and the standalone build carries, the versions a clerk installs.
    runtime = _pins("runtime")
    for other in ("test", "standalone"):
        pins = _pins(other)
        for package, versions in runtime.items():
            assert package in pins, (other, package)
            assert {v for v, _h in versions} == {v for v, _h in pins[package]}, (other, package)


def test_ci_installs_from_the_lock_and_runs_every_test_with_the_readmes_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    quick = (
        "python3 -m venv .venv && .venv/bin/pip install -q --require-hashes -r "
        "requirements/test.txt && .venv/bin/pip install -q --no-deps -e . && "
        '.venv/bin/python -m pytest -m "not slow"'
    )
    slow = ".venv/bin/python -m pytest -m slow"
    for command in (quick, slow):
        assert f"\n{command}\n" in readme
    # Both, the quick first (it installs), each a line of its own: CI runs every test.
    assert ci.index(slow) > ci.index(quick)
