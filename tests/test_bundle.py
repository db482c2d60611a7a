"""The offline bundle (issue 26): made by ``deploy/bundle.py`` on a machine that reaches PyPI,
installed and used inside a network namespace with no network at all (``unshare -n``, as root,
which CI is), so the test passes only if nothing is fetched."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import fingerprint

pytestmark = pytest.mark.slow  # downloads about 200 MB of wheels a platform

ROOT = Path(__file__).resolve().parent.parent
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


def _bundle(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy/bundle.py"), str(out), *args],
        capture_output=True,
        text=True,
        check=False,
    )


def _offline() -> list[str]:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root with unshare (util-linux): the offline test must run")
        pytest.skip("needs root and unshare for a namespace with no network")
    return ["unshare", "--net"]


def test_the_bundle_installs_and_builds_the_site_with_no_network(tmp_path: Path) -> None:
    offline = _offline()
    if platform.machine() != "x86_64":
        pytest.skip("the host bundle is made for Linux x86_64")
    bundle = tmp_path / "bundle"
    made = _bundle(bundle, "--platform", "linux-x86_64", "--python", PYTHON)
    assert made.returncode == 0, made.stdout + made.stderr
    for name in ("install.sh", "install.bat", "安装说明.txt", "requirements.txt"):
        assert (bundle / name).is_file(), name
    assert "--hash=sha256:" in (bundle / "requirements.txt").read_text(encoding="utf-8")
    # No network from here on: the namespace has none (not even loopback is up).
    proven = subprocess.run(
        [
            *offline,
            sys.executable,
            "-c",
            "import socket; socket.create_connection(('pypi.org', 443), 3)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proven.returncode != 0  # the namespace really reaches nothing
    target = tmp_path / "installed"
    installed = subprocess.run(
        [*offline, "sh", str(bundle / "install.sh"), str(target)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHON": sys.executable, "PIP_CONFIG_FILE": os.devnull},
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "安装完成" in installed.stdout
    built = subprocess.run(
        [*offline, str(target / ".venv/bin/mkdocs"), "build", "--strict", "-q"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert "保安费用" in (target / "site/2023/baoan-feiyong/index.html").read_text(encoding="utf-8")
    checked = subprocess.run(
        [*offline, str(target / ".venv/bin/gongkai"), "check"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The command the guide names builds the same site.
    rebuilt = subprocess.run(
        [*offline, str(target / ".venv/bin/gongkai"), "build", "--strict", "-d", "site-2"],
        cwd=target,
        capture_output=True,
        text=True,
        check=False,
    )
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert fingerprint(target / "site-2") == fingerprint(target / "site")


def test_every_dependency_has_a_wheel_for_arm_linux(tmp_path: Path) -> None:
    """鲲鹏 and 飞腾 machines: every locked dependency resolves to an aarch64 (or pure-Python)
    wheel for the oldest supported Python. (Not installed: no arm64 machine or emulator here.)"""
    made = _bundle(tmp_path / "arm", "--platform", "linux-aarch64", "--python", "3.11")
    assert made.returncode == 0, made.stdout + made.stderr
    wheels = [p.name for p in (tmp_path / "arm/wheels").glob("*.whl")]
    compiled = [w for w in wheels if not w.endswith("-none-any.whl")]
    assert compiled and all("aarch64" in w for w in compiled if not w.startswith("gongkai-"))
