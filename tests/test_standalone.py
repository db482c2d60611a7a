"""The standalone build (issue 26, 独立运行版): ``deploy/standalone.py`` makes one folder with
Python, the dependencies, MkDocs, Material and gongkai. It is used here in a namespace with no
network and no Python at all: ``python3`` is not on ``PATH``, and every Python installation of
this machine (this interpreter's, the virtual environment's, Debian's, their ``libpython``) is
covered by an empty mount. Building the site, ``check``, ``import`` of each kind of file,
``serve`` and ``freeze`` must work there, and give what the installed tool gives."""

from __future__ import annotations

import glob
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, fingerprint, mkdocs_build, run_cli

pytestmark = pytest.mark.slow  # installs the runtime lock and runs PyInstaller: about 3 min

CORPUS = ROOT / "tests/corpus/real"
IMPORTS = {  # one file of each container departments send, the scan read by OCR
    "xls": CORPUS / "built/ah-guichi-2022-weituo/ah-guichi-2022-weituo.xls",
    "doc": CORPUS / "built/ah-guichi-2022-weituo/ah-guichi-2022-weituo.doc",
    "pdf": CORPUS / "built/ah-guichi-2022-weituo/ah-guichi-2022-weituo.pdf",
    "html": CORPUS / "built/ah-guichi-2022-weituo/ah-guichi-2022-weituo.html",
    "docx": CORPUS / "built/sc-daying-2023-anke/sc-daying-2023-anke.docx",
    "scan": CORPUS / "scans/sc-daying-2023-anke/sc-daying-2023-anke.stamp.pdf",
}
TOOLS = ("sh", "cat", "grep", "sed", "seq", "sleep", "kill", "curl", "git", "ls")


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        pytest.skip("the standalone build is made and tested on Linux x86_64 here")
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root with unshare (util-linux): the standalone test must run")
        pytest.skip("needs root and unshare for a namespace without network and Python")
    out = tmp_path_factory.mktemp("standalone") / "gongkai-standalone"
    made = subprocess.run(
        [sys.executable, str(ROOT / "deploy/standalone.py"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "完成：" in made.stdout
    return out


def _pythons() -> tuple[list[str], list[str]]:
    """The folders and the files through which this machine has a Python: covered inside."""
    folders = {sys.prefix, sys.base_prefix, *glob.glob("/usr/lib/python3*")}
    folders |= set(glob.glob("/usr/local/lib/python3*"))
    files = set(glob.glob("/usr/lib/*-linux-gnu/libpython3*"))
    for directory in [*os.environ.get("PATH", "").split(os.pathsep), "/usr/bin", "/bin"]:
        for found in glob.glob(os.path.join(directory, "python*")):
            real = os.path.realpath(found)
            if os.path.isfile(real) and not any(real.startswith(f + "/") for f in folders):
                files.add(real)
    library = Path(sysconfig.get_config_var("LIBDIR") or "/nonexistent")
    files |= {str(p) for p in library.glob("libpython3*") if p.is_file()}
    kept = sorted(f for f in folders if os.path.isdir(f))
    files = {os.path.realpath(f) for f in files if os.path.isfile(f)}  # links: their targets
    files = {f for f in files if not any(f.startswith(folder + "/") for folder in kept)}
    return kept, sorted(files)


def _without_python(tmp_path: Path) -> list[str]:
    """The command prefix that runs a command with no network and no Python."""
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for name in TOOLS:
        found = shutil.which(name)
        assert found, name
        (tools / name).unlink(missing_ok=True)
        (tools / name).symlink_to(found)
    folders, files = _pythons()
    lines = ["set -e", "ip link set lo up"]  # loopback only, for serve
    lines += [f"mount -t tmpfs empty '{f}'" for f in folders]
    lines += [f"mount --bind /dev/null '{f}'" for f in files]
    lines += [f"export PATH='{tools}'", "export HOME=/tmp", 'exec "$@"']
    script = tmp_path / "without-python.sh"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["unshare", "--net", "--mount", "--propagation", "private", "sh", str(script)]


def _run(prefix: list[str], cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*prefix, *command], cwd=cwd, capture_output=True, text=True, check=False, timeout=900
    )


def test_the_namespace_has_no_python_and_no_network(standalone: Path, tmp_path: Path) -> None:
    inside = _without_python(tmp_path)
    works = _run(inside, tmp_path, "sh", "-c", "echo 可以运行")  # the namespace itself works
    assert works.returncode == 0 and works.stdout == "可以运行\n", works.stderr
    looked = _run(inside, tmp_path, "sh", "-c", "command -v python3 || echo 没有")
    assert looked.stdout == "没有\n", looked.stdout + looked.stderr
    for python in (sys.executable, sys._base_executable, "/usr/bin/python3"):
        ran = _run(inside, tmp_path, python, "-c", "print('有')")
        assert ran.returncode != 0 and "有" not in ran.stdout, python
    reached = _run(inside, tmp_path, "curl", "-sS", "-m", "3", "https://pypi.org/simple/")
    assert reached.returncode != 0


def test_without_python_it_builds_checks_and_imports_as_the_installed_tool(
    standalone: Path, tmp_path: Path
) -> None:
    inside = _without_python(tmp_path)
    gongkai = str(standalone / "gongkai/gongkai")
    project = tmp_path / "project"
    shutil.copytree(standalone / "project", project)
    built = _run(inside, project, gongkai, "build", "--strict")
    assert built.returncode == 0, built.stdout + built.stderr
    assert mkdocs_build(ROOT, tmp_path / "installed").returncode == 0
    assert fingerprint(project / "site") == fingerprint(tmp_path / "installed")
    checked = _run(inside, project, gongkai, "check")
    assert checked.returncode == 0, checked.stderr
    assert "检查通过：1 个部门，4 个项目，4 份报告（年度：2023）。" in checked.stdout
    for kind, source in IMPORTS.items():
        frozen, installed = tmp_path / f"frozen-{kind}", tmp_path / f"installed-{kind}"
        ran = _run(inside, project, gongkai, "import", str(source), "--out", str(frozen))
        assert ran.returncode in (0, 1), ran.stderr  # 1: read, with fields left to the clerk
        assert "Traceback" not in ran.stdout + ran.stderr
        assert list(frozen.rglob("*.yml")), (kind, ran.stdout, ran.stderr)
        reference = run_cli(project, "import", str(source), "--out", str(installed))
        assert reference.returncode == ran.returncode, kind
        assert fingerprint(frozen) == fingerprint(installed), kind


def test_without_python_serve_shows_an_edit(standalone: Path, tmp_path: Path) -> None:
    inside = _without_python(tmp_path)
    project = copy_project(tmp_path / "project")
    data = "data/2023/xiqu-xinfangju/baoan-feiyong.yml"
    url = "http://127.0.0.1:8731/2023/baoan-feiyong/"
    script = f"""
"{standalone}/gongkai/gongkai" serve --dev-addr 127.0.0.1:8731 > serve.log 2>&1 &
server=$!
wait_for() {{
  for i in $(seq 1 240); do
    if curl -sf {url} | grep -q "$1"; then return 0; fi
    sleep 0.5
  done
  return 1
}}
wait_for 保安费用 && echo 已显示
sed -i 's/problems: 无。/problems: 本年度新发现的问题。/' {data}
wait_for 本年度新发现的问题。 && echo 已更新
kill $server
"""
    ran = _run(inside, project, "sh", "-c", script)
    log = (project / "serve.log").read_text(encoding="utf-8", errors="replace")
    assert "已显示" in ran.stdout, ran.stderr + log
    assert "已更新" in ran.stdout, ran.stderr + log
    assert "Traceback" not in log


def test_without_python_freeze_runs_mkdocs_from_the_one_program(
    standalone: Path, tmp_path: Path
) -> None:
    inside = _without_python(tmp_path)
    project = tmp_path / "project"
    shutil.copytree(standalone / "project", project)
    _commit(project)
    frozen = _run(
        inside,
        project,
        str(standalone / "gongkai/gongkai"),
        "freeze",
        "2023",
        "--date",
        "2024-06-01",
    )
    assert frozen.returncode == 0, frozen.stdout + frozen.stderr
    assert "已归档 2023年度（归档日期 2024-06-01）" in frozen.stdout
    # The same freeze by the installed tool writes the same manifest: same pages, same sums.
    reference = copy_project(tmp_path / "reference")
    _commit(reference)
    ran = run_cli(reference, "freeze", "2023", "--date", "2024-06-01")
    assert ran.returncode == 0, ran.stderr
    manifest = "archive/2023.json"
    assert (project / manifest).read_text(encoding="utf-8") == (reference / manifest).read_text(
        encoding="utf-8"
    )


def _commit(project: Path) -> None:
    """The project as a clerk keeps it: a git repository with the data committed (freeze
    commits the archive there too, as the repository's own user)."""
    for args in (
        ["init", "-q"],
        ["config", "user.name", "区财政局"],
        ["config", "user.email", "czj@example.gov.cn"],
        ["add", "-A"],
        ["commit", "-qm", "数据"],
    ):
        subprocess.run(["git", *args], cwd=project, check=True)
