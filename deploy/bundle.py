"""离线安装包 (the offline bundle): everything a clerk's intranet machine needs to install gongkai
with no network, made on a machine that reaches PyPI.

    python deploy/bundle.py 输出文件夹                      # every platform and Python below
    python deploy/bundle.py 输出文件夹 --platform linux-x86_64 --python 3.11

The folder holds ``wheels/`` (every locked dependency of ``requirements/runtime.txt`` as a wheel
for each platform and Python asked for; a pure-Python wheel once; a dependency published only as
source is built here into a pure-Python wheel), the project's own wheel, ``project/`` (mkdocs.yml,
the hooks, the site's own pages and the sample data), ``requirements.txt`` with the hashes of
exactly those wheels, ``install.sh``, ``install.bat`` and ``安装说明.txt``.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

from packaging.markers import Marker
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "runtime.txt"
PYTHONS = ("3.11", "3.12", "3.13")
# glibc 2.17 (CentOS 7) up to 2.28 (统信UOS 20, 银河麒麟 V10 and newer have 2.28 or later).
_GLIBC = [f"manylinux_2_{minor}" for minor in range(17, 29)] + ["manylinux2014"]
PLATFORMS = {
    "linux-x86_64": [f"{tag}_x86_64" for tag in _GLIBC],
    "linux-aarch64": [f"{tag}_aarch64" for tag in _GLIBC],
    "windows-x86_64": ["win_amd64"],
}
PROJECT_FILES = ("mkdocs.yml", "hooks", "docs", "data")


class Pin(NamedTuple):
    """One locked requirement: ``name==version ; marker``, and how many hashes it carries."""

    name: str
    version: str
    marker: Marker | None
    hashes: int


def locked(lock: Path = LOCK) -> list[Pin]:
    """The pins of a lock file written by ``uv pip compile --generate-hashes``."""
    text = lock.read_text(encoding="utf-8")
    pins = []
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        found = re.match(r"([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\\n]+))?", entry)
        if found:
            marker = Marker(found.group(3).strip()) if found.group(3) else None
            hashes = len(re.findall(r"--hash=sha256:[0-9a-f]{64}", entry))
            pins.append(Pin(found.group(1), found.group(2), marker, hashes))
    return pins


def for_python(pins: list[Pin], python: str) -> list[str]:
    """The pins any patch release of ``python`` may need (3.11.2 and 3.11.9 may differ)."""
    wanted = []
    for name, version, marker, _hashes in pins:
        environments = [
            {
                "python_version": python,
                "python_full_version": f"{python}.{patch}",
                "implementation_name": "cpython",
                "platform_python_implementation": "CPython",
            }
            for patch in (0, 99)
        ]
        if marker is None or any(marker.evaluate(e) for e in environments):
            wanted.append(f"{name}=={version}")
    return wanted


def _pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, check=False
    )


def download(wheels: Path, pins: list[str], platform: str, python: str) -> None:
    """Every pin as a wheel for ``platform`` and ``python``; a pin with only a source release is
    built into a pure-Python wheel here (and refused if it is not pure Python)."""
    rounds: list[list[str]] = []  # pip takes one version of a package at a time
    for pin in pins:
        name = canonicalize_name(pin.split("==")[0])
        free = next(
            (r for r in rounds if all(canonicalize_name(p.split("==")[0]) != name for p in r)), None
        )
        if free is None:
            rounds.append(free := [])
        free.append(pin)
    for chosen in rounds:
        _download(wheels, chosen, platform, python)


def _download(wheels: Path, pins: list[str], platform: str, python: str) -> None:
    with tempfile.TemporaryDirectory() as work:
        listed = Path(work) / "pins.txt"
        listed.write_text("\n".join(pins) + "\n", encoding="utf-8")
        tags = [arg for tag in PLATFORMS[platform] for arg in ("--platform", tag)]
        abi = f"cp{python.replace('.', '')}"
        result = None
        for _ in range(len(pins) + 1):
            result = _pip(
                "download", "--quiet", "--no-deps", "--only-binary=:all:", "--dest", str(wheels),
                "--find-links", str(wheels), *tags, "--python-version", f"{python}.99",
                "--implementation", "cp", "--abi", abi, "--abi", "abi3", "--abi", "none",
                "-r", str(listed),
            )  # fmt: skip
            if result.returncode == 0:
                return
            missing = re.search(
                r"satisfies the requirement ([A-Za-z0-9._-]+)==(\S+)", result.stderr
            )
            if missing is None:
                raise SystemExit(f"下载失败（{platform}，Python {python}）：\n{result.stderr}")
            _build_pure(wheels, missing.group(1), missing.group(2), platform, python)
        raise SystemExit(f"下载失败（{platform}，Python {python}）：\n{result and result.stderr}")


def _build_pure(wheels: Path, name: str, version: str, platform: str, python: str) -> None:
    before = set(wheels.glob("*.whl"))
    result = _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), f"{name}=={version}")
    built = set(wheels.glob("*.whl")) - before
    if result.returncode != 0 or not built:
        raise SystemExit(f"{name}=={version} 没有 {platform}、Python {python} 的安装包，也无法构建")
    for wheel in built:
        if not wheel.name.endswith("-py3-none-any.whl") and "-py2.py3-none-any" not in wheel.name:
            wheel.unlink()
            raise SystemExit(
                f"{name}=={version} 只有源码包且不是纯 Python，{platform}、Python {python} 上"
                "无法离线安装：请换用有安装包的版本"
            )


def hashed_requirements(wheels: Path, pins: list[Pin]) -> str:
    """The lock, each pin with the hashes of the wheels in the bundle (the files pip will see)."""
    digests: dict[tuple[str, str], list[str]] = {}
    for wheel in sorted(wheels.glob("*.whl")):
        name, version, _build, _tags = parse_wheel_filename(wheel.name)
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        digests.setdefault((name, str(version)), []).append(digest)
    lines = []
    for name, version, marker, _hashes in pins:
        found = digests.get((canonicalize_name(name), version))
        if not found:
            continue  # not needed by any platform and Python of this bundle
        line = f"{name}=={version}" + (f" ; {marker}" if marker else "")
        lines.append(line + "".join(f" \\\n    --hash=sha256:{d}" for d in found))
    return "\n".join(lines) + "\n"


INSTALL_SH = """#!/bin/sh
# 离线安装 gongkai（不需要网络）：sh install.sh [安装到的文件夹]
set -e
here=$(cd "$(dirname "$0")" && pwd)
target=${1:-"$here/gongkai"}
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "需要 Python 3.11 或更新版本（现在的 $python 不是）。见 安装说明.txt。" >&2
  exit 1
fi
mkdir -p "$target"
cp -R "$here/project/." "$target/"
"$python" -m venv "$target/.venv"
"$target/.venv/bin/python" -m pip install --quiet --no-index --find-links "$here/wheels" \\
  --require-hashes -r "$here/requirements.txt"
echo "安装完成：$target"
echo "预览网站：cd \\"$target\\" && .venv/bin/gongkai serve"
echo "生成网站：cd \\"$target\\" && .venv/bin/gongkai build"
"""

INSTALL_BAT = """@echo off
rem 离线安装 gongkai（不需要网络）：install.bat [安装到的文件夹]
setlocal
set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET=%HERE%gongkai"
if "%PYTHON%"=="" set "PYTHON=py -3"
%PYTHON% -c "import sys; sys.exit(sys.version_info < (3, 11))" || (
  echo 需要 Python 3.11 或更新版本。见 安装说明.txt。
  exit /b 1
)
xcopy /E /I /Y /Q "%HERE%project" "%TARGET%" >nul
%PYTHON% -m venv "%TARGET%\\.venv" || exit /b 1
"%TARGET%\\.venv\\Scripts\\python.exe" -m pip install --quiet --no-index --find-links "%HERE%wheels" --require-hashes -r "%HERE%requirements.txt" || exit /b 1
echo 安装完成：%TARGET%
echo 预览网站：cd /d "%TARGET%" 然后运行 .venv\\Scripts\\gongkai serve
"""

GUIDE = """gongkai 离线安装说明

本文件夹可以用 U 盘带到不能上网的内网机器上安装，安装时不访问任何网络。

一、需要什么
  Python {pythons} 中的一个（统信UOS、银河麒麟等系统自带的 Python 3.7、3.8 太旧，请先安装
  Python 3.11 或更新版本；没有时可用“独立运行版”，见项目 README 的“内网安装”）。
  本安装包适用于：{platforms}。

二、安装
  Linux：在本文件夹中运行  sh install.sh /opt/gongkai
         （Python 不叫 python3 时：PYTHON=/usr/local/bin/python3.11 sh install.sh /opt/gongkai）
  Windows：在本文件夹中双击或运行  install.bat D:\\gongkai

三、使用
  进入安装的文件夹：
    预览网站：.venv/bin/gongkai serve ，然后在浏览器中打开 http://127.0.0.1:8000/
    生成网站：.venv/bin/gongkai build ，结果在 site/ 文件夹中，交给网站管理员
    检查数据：.venv/bin/gongkai check
  （Windows 上把 .venv/bin/ 换成 .venv\\Scripts\\）

四、出了问题
  安装程序逐个核对每个安装包的 SHA-256 散列值（requirements.txt 中），文件损坏或被替换时会停止并说明。
  提示“需要 Python 3.11 或更新版本”时，请先安装新版 Python。
"""


def copy_project(project: Path) -> None:
    """The site project a clerk starts from: configuration, hooks, the site's pages, sample data."""
    project.mkdir(parents=True, exist_ok=True)
    for item in PROJECT_FILES:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, project / item, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / item)


def bundle(out: Path, platforms: list[str], pythons: list[str]) -> None:
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} 已存在且不是空文件夹，请换一个输出文件夹")
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pins = locked()
    for python in pythons:
        for platform in platforms:
            print(f"下载 {platform}，Python {python} …", flush=True)
            download(wheels, for_python(pins, python), platform, python)
    result = _pip("wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT))
    if result.returncode != 0:
        raise SystemExit(f"无法构建本项目的安装包：\n{result.stderr}")
    own = next(wheels.glob("gongkai-*.whl"))
    requirements = hashed_requirements(wheels, pins)
    digest = hashlib.sha256(own.read_bytes()).hexdigest()
    name, version, _b, _t = parse_wheel_filename(own.name)
    requirements += f"{name}=={version} \\\n    --hash=sha256:{digest}\n"
    (out / "requirements.txt").write_text(requirements, encoding="utf-8")
    copy_project(out / "project")
    (out / "install.sh").write_text(INSTALL_SH, encoding="utf-8")
    (out / "install.sh").chmod(0o755)
    (out / "install.bat").write_text(INSTALL_BAT.replace("\n", "\r\n"), encoding="utf-8")
    (out / "安装说明.txt").write_text(
        GUIDE.format(pythons="、".join(pythons), platforms="、".join(platforms)).replace(
            "\n", "\r\n"
        ),
        encoding="utf-8",
    )
    size = sum(p.stat().st_size for p in wheels.glob("*.whl"))
    print(f"完成：{out}（{len(list(wheels.glob('*.whl')))} 个安装包，{size / 2**20:.0f} MiB）")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="输出文件夹（新建或空的）")
    parser.add_argument("--platform", action="append", choices=sorted(PLATFORMS))
    parser.add_argument("--python", action="append", choices=PYTHONS)
    args = parser.parse_args()
    bundle(args.out, args.platform or list(PLATFORMS), args.python or list(PYTHONS))


if __name__ == "__main__":
    main()
