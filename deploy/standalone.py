"""The standalone build (独立运行版) for a machine without Python 3.11: one folder holding
Python, every dependency, MkDocs, Material's theme files and gongkai, made with PyInstaller
(one-folder mode), and beside it the site project (mkdocs.yml, hooks, docs, data).

    python deploy/standalone.py 输出文件夹

PyInstaller builds for the machine and Python it runs on: run this on Linux x86_64 for Linux
x86_64, on Windows for Windows, on an ARM machine (鲲鹏, 飞腾) for ARM. Each needs Python ≥ 3.11 (built with
its shared library, as Debian's and python.org's are) and a package index: the build installs
``requirements/standalone.txt`` (the runtime lock and PyInstaller, with hashes) into a new
virtual environment first. The machine the folder is taken to needs nothing.

Why PyInstaller: it is the maintained tool that finds what a program imports and gathers the
interpreter, the shared libraries (onnxruntime, OpenCV) and the data files into a folder that
runs where it is copied; one-folder mode starts at once, where one-file mode unpacks every
run. What it cannot see — modules named in mkdocs.yml or by entry points, the theme's
templates, the packages' metadata that MkDocs looks plugins up by — is listed below.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

from bundle import copy_project  # deploy/bundle.py: the same project folder

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "standalone.txt"
# The entry is written into the work folder: PyInstaller puts a script's folder on the import path,
# and gongkai/ holds modules (site.py, settings.py) that would shadow top-level names.
ENTRY = "from gongkai.commands.entry import run\n\nrun()\n"

# Imported by name at run time (mkdocs.yml, entry points, the hooks file MkDocs loads from the
# project folder), so PyInstaller's reading of the imports does not find them.
SUBMODULES = ("gongkai", "mkdocs", "material", "pymdownx", "markdown", "holidays")
# Templates, theme files, dictionaries, models and schemas read from the package folders.
DATA = (
    "gongkai",
    "mkdocs",
    "material",
    "jieba",
    "pypinyin",
    "docx",
    "pdfminer",
    "rapidocr_onnxruntime",
)
# MkDocs finds its themes and plugins, and others their versions, in the metadata.
METADATA = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions")

GUIDE = """gongkai 独立运行版（{system}）

不需要安装 Python，也不需要网络。把整个文件夹复制到内网机器上即可使用。

  gongkai/    程序（不要单独移动其中的文件）
  project/    网站项目：配置 mkdocs.yml、数据 data/、说明页 docs/、hooks/

使用（在 project 文件夹中运行）：
  检查数据：../gongkai/gongkai check
  导入报送的文件：../gongkai/gongkai import 文件或文件夹
  预览网站：../gongkai/gongkai serve ，然后在浏览器中打开 http://127.0.0.1:8000/
  生成网站：../gongkai/gongkai build ，结果在 site/ 文件夹中，交给网站管理员
  （Windows 上是 ..\\gongkai\\gongkai.exe）

这个版本只能在与制作它的机器同类的系统上运行（{system}）。
"""


def _prepare(work: Path) -> Path:
    """A new virtual environment with exactly the locked runtime, gongkai and PyInstaller
    (requirements/standalone.txt): the folder carries what a clerk's install would, and nothing
    of the machine's own packages or test tools. Returns its Python."""
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if platform.system() == "Windows" else "bin/python")
    for args in (
        ["--require-hashes", "-r", str(LOCK)],
        ["--no-deps", str(ROOT)],
    ):
        installed = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            raise SystemExit(f"无法安装 {' '.join(args)}：\n{installed.stderr}")
    return python


def standalone(out: Path, work: Path) -> Path:
    """Make the standalone folder in ``out``; return the executable."""
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} 已存在且不是空文件夹，请换一个输出文件夹")
    python = _prepare(work)
    entry = work / "gongkai_main.py"
    entry.write_text(ENTRY, encoding="utf-8")
    command = [
        str(python),
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level=WARN",
        "--onedir",
        "--console",
        "--name=gongkai",
        f"--distpath={out}",
        f"--workpath={work / 'build'}",
        f"--specpath={work}",
        *(f"--collect-submodules={name}" for name in SUBMODULES),
        *(f"--collect-data={name}" for name in DATA),
        *(f"--copy-metadata={name}" for name in METADATA),
        "--recursive-copy-metadata=gongkai",
        str(entry),
    ]
    made = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if made.returncode != 0:
        raise SystemExit(f"PyInstaller 未能完成：\n{made.stdout}{made.stderr}")
    folder = out / "gongkai"
    windows = platform.system() == "Windows"
    copy_project(out / "project")
    system = f"{platform.system()} {platform.machine()}"
    (out / "使用说明.txt").write_text(
        GUIDE.format(system=system).replace("\n", "\r\n"), encoding="utf-8"
    )
    executable = folder / ("gongkai.exe" if windows else "gongkai")
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"完成：{out}（{system}，{size / 2**20:.0f} MiB）")
    return executable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="输出文件夹（新建或空的）")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        standalone(args.out.resolve(), Path(work))


if __name__ == "__main__":
    main()
