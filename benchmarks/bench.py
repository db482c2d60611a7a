"""Benchmark (性能基准): build time, peak memory, output size and edit-to-visible at scale.

Synthetic departments × projects × years are written as YAML, then built twice:
  hooks  the gongkai site (mkdocs build with the hooks), and
  plain  the same pages written out as static Markdown, built by plain MkDocs-Material.
The ratio hooks/plain is the hooks' overhead. The hooks' build is run a second time (again_s):
a clerk's next build, which finds the downloads kept by the first (.cache/ beside mkdocs.yml). Then `gongkai serve` runs on the data, one data
file is edited, and the served page is polled until the edit shows (rebuild_s, the median of
three edits). Not a test: run it by hand.

    python benchmarks/bench.py                 # 100, 1000 and 5000 project-years
    python benchmarks/bench.py 1000 --keep     # one size, keep the output in benchmarks/out/
    python benchmarks/bench.py 1000 --repeat 5 # each build five times, the median (the time
                                               # of one build varies by a fifth on a VM)
    python benchmarks/bench.py --district      # a district's shape (issue 27): 80 departments
                                               # of 8 to 40 projects, 5 years, ~7,500 project-years
    python benchmarks/bench.py 7500 --archive  # issue 28: 5 years of 1,500 projects frozen in
                                               # turn, then exported; sizes and file counts
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from gongkai.model.slug import slugify

ROOT = Path(__file__).resolve().parent.parent
YEARS = (2019, 2020, 2021, 2022, 2023)
WORDS = "保安 接访 维稳 培训 宣传 信息化 办公 设备 维修 调解 法律 援助 档案 安全 应急 调研".split()  # noqa: SIM905
SAMPLE = ROOT / "data/2023/xiqu-xinfangju/baoan-feiyong.yml"

# Runs one build in a fresh interpreter and prints its wall time and peak memory.
_BUILD = textwrap.dedent(
    """
    import json, os, resource, sys, time
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    import logging
    logging.basicConfig(level=logging.WARNING)
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    start = time.perf_counter()
    config = load_config(sys.argv[1], site_dir=sys.argv[2])
    build(config)
    seconds = time.perf_counter() - start
    # The build's own peak, and the largest peak of the children it forks (each counts the
    # pages it shares with the build; build() also samples all of them together, as PSS).
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "writer_mib": child_kib / 1024}))
    """
)


# Fragments of the prose of real reports, combined at random (seeded) so that every report's
# text differs, as a district's reports do: the full-text index sees realistic variety.
_WHO = "区信访局 街道办事处 社区居委会 司法所 财政所 综治中心 项目组 第三方机构 镇人民政府 区卫健局 区教育局 区民政局 区农业农村局 区交通运输局 区应急管理局 区市场监管局".split()  # noqa: SIM905
_DID = "组织开展 按季度完成 全面落实 统筹推进 逐项核查 持续加强 及时兑付 规范实施 集中整治 分批实施 定期督导 动态管理".split()  # noqa: SIM905
_WHAT = "矛盾纠纷排查化解 信访事项办理 困难群众临时救助 校舍维修改造 农村公路养护 疫苗冷链管理 法律援助 人民调解 安全生产检查 食品安全抽检 高标准农田管护 老年人健康体检 社区矫正教育 普法宣传 学生营养餐供应 城乡公交运营 危房改造 河道清淤 垃圾分类收运 应急物资储备".split()  # noqa: SIM905
_HOW = "建立工作台账 实行清单化管理 落实专人负责 开展满意度回访 引入第三方评估 召开专题推进会 实行月报制度 加强资金监管 开展实地核查 完善考核办法 公开办事流程 设立咨询窗口".split()  # noqa: SIM905
_RESULT = "群众满意度明显提高 办理时限缩短三成 覆盖全部行政村 资金使用规范高效 未发生安全事故 问题整改率达到百分之百 服务对象知晓率提升 工作效率显著提高 长效机制初步建立 社会效益较为明显".split()  # noqa: SIM905
_PLACE = "银江镇 格里坪镇 清香坪街道 玉泉街道 河门口街道 陶家渡街道 摩梭河街道 大水井社区 新庄村 苏铁村".split()  # noqa: SIM905


def _prose(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        out.append(
            f"{rng.choice(_WHO)}在{rng.choice(_PLACE)}{rng.choice(_DID)}{rng.choice(_WHAT)}工作，"
            f"{rng.choice(_HOW)}，{rng.choice(_HOW)}，全年{rng.choice(_WHAT)}{rng.randint(2, 480)}件（次），"
            f"{rng.choice(_RESULT)}。"
        )
    return "".join(out)


def _vary(report: dict[str, Any], rng: random.Random) -> None:
    report["overview"] = {
        **report.get("overview", {}),
        "basic_info": [_prose(rng, 2), _prose(rng, 1)],
        "content": _prose(rng, 3),
        "expected_effect": _prose(rng, 2),
    }
    report["funds"] = {**report.get("funds", {}), "usage": _prose(rng, 2)}
    report["implementation"] = {**report.get("implementation", {}), "management": _prose(rng, 3)}
    evaluation = dict(report.get("evaluation", {}))
    evaluation["suggestions"] = _prose(rng, 1)
    report["evaluation"] = evaluation


def synthesise(data: Path, count: int) -> None:
    """Write ``count`` project-years: departments of 40 projects, each reported every year."""
    sample = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    sample.pop("attachments", None)  # the sample's original stays beside the sample
    per_year = max(1, count // len(YEARS))
    departments = max(1, -(-per_year // 40))
    listing = {
        "departments": [{"slug": f"bumen-{d}", "name": f"示例部门{d}"} for d in range(departments)]
    }
    data.mkdir(parents=True)
    (data / "departments.yml").write_text(
        yaml.safe_dump(listing, allow_unicode=True), encoding="utf-8"
    )
    written = 0
    for year in YEARS:
        for index in range(per_year):
            if written >= count:
                return
            dept = index % departments
            first, second = WORDS[index % len(WORDS)], WORDS[(index // len(WORDS)) % len(WORDS)]
            name = f"{first}{second}经费{index}号"
            report = dict(sample)
            _vary(report, random.Random(year * 100_000 + index))
            report["name"] = name  # its URL name read from it, as for most real reports
            base = 10000 * (1 + index % 50)
            report["budget"] = [
                {"year": year - 1, "initial": base, "executed": base},
                {"year": year, "initial": base, "supplementary": 5000, "executed": base + 4000},
            ]
            path = data / str(year) / f"bumen-{dept}" / f"xiangmu-{index}.yml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                yaml.safe_dump(report, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
            written += 1


def hooks_project(work: Path, data: Path) -> Path:
    """The gongkai site over the synthetic data."""
    project = work / "hooks"
    shutil.copytree(ROOT / "docs", project / "docs", ignore=shutil.ignore_patterns("readme"))
    shutil.copytree(ROOT / "hooks", project / "hooks")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["extra"]["gongkai"]["data_dir"] = str(data)
    (project / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    return project


def plain_project(work: Path, data: Path) -> Path:
    """The same pages as static Markdown files (their rendered bodies), built without hooks."""
    sys.path.insert(0, str(ROOT))
    from gongkai.pages import navigation
    from gongkai.render.builders import plan
    from gongkai.render.renderer import Renderer
    from gongkai.settings import Settings
    from gongkai.site import load_site

    project = work / "plain"
    shutil.copytree(ROOT / "docs", project / "docs", ignore=shutil.ignore_patterns("readme"))
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    site = load_site(Settings(root=data.parent, data_dir=data.name))
    catalog = site.catalog
    renderer = Renderer(site, config["site_name"])
    for page in plan(catalog):
        body = renderer.render(page)
        path = project / "docs" / page.src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        front = f"---\ntitle: {json.dumps(page.title, ensure_ascii=False)}\n---\n\n"
        path.write_text(front + body + "\n", encoding="utf-8")
    config.pop("hooks")
    config["nav"] = navigation(catalog, config.get("nav"))
    config["not_in_nav"] = "/[0-9][0-9][0-9][0-9]/*.md\n/xiangmu/*.md\n"
    (project / "mkdocs.yml").write_text(
        yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
    )
    return project


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it (Linux: read from /proc)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        fields = text[text.rindex(")") + 2 :].split()
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(parents.get(pid, []))
    return found


def _pss_kib(pids: list[int]) -> int:
    """Proportional set size of these processes together: a page shared by a build and the
    children it forked counts once in the sum, not once in each (as ru_maxrss counts it)."""
    from gongkai.outputs.background import status_kib

    return sum(status_kib(f"/proc/{pid}/smaps_rollup", "Pss") or 0 for pid in pids)


def build(project: Path, site: Path) -> dict[str, float]:
    """One full build in a fresh interpreter: its seconds, the peaks of the build process and
    of its largest child (each as the kernel counts it, shared pages in both), and on Linux the
    peak of the build and its children together (PSS, sampled twice a second). What the step
    before wrote is put on disk first: on a disk that files are written to slowly while much
    waits to be written (a virtual machine's, measured: 1,250 small files in 0.05 s after a sync,
    in 1 s while the 11 MB just written before waited), a build was charged for the step before
    it, by up to a fifth of its time."""
    os.sync()
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-c", _BUILD, str(project / "mkdocs.yml"), str(site)],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        together = 0
        linux = Path("/proc/self/smaps_rollup").exists()
        while linux and process.poll() is None:
            together = max(together, _pss_kib(_descendants(process.pid)))
            time.sleep(0.5)
        out, _ = process.communicate()
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(errors.read().decode("utf-8", "replace")[-3000:])
    measured = json.loads(out.decode("utf-8").strip().splitlines()[-1])
    measured["together_mib"] = together / 1024
    return measured


def measure_output(site: Path) -> dict[str, float]:
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]
    sizes = [p.stat().st_size for p in pages]
    reports = [p.stat().st_size for p in site.glob("[0-9][0-9][0-9][0-9]/*/index.html")]
    index = list((site / "search").rglob("*.js"))  # the site's full-text index
    return {
        "pages": len(pages),
        "total_mib": sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20,
        "mean_page_kib": statistics.mean(sizes) / 1024,
        "report_page_kib": statistics.median(reports) / 1024 if reports else 0,
        "search_index_mib": sum(p.stat().st_size for p in index) / 2**20,
    }


def free_port() -> int:
    """A loopback port nobody listens on now (for a server started next)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, limit: float) -> float:
    """Seconds until the page at ``url`` holds ``text`` (polled every 50 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        page = _fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise SystemExit(f"{url} did not show {text!r} within {limit} s")


def measure_rebuild(project: Path, data: Path, edits: int = 3) -> float:
    """Median seconds from saving one data file to its page showing the change, under
    `gongkai serve` (the first, full build is not counted)."""
    port = free_port()
    command = [
        sys.executable, "-m", "gongkai.commands.cli", "--config", str(project / "mkdocs.yml"),
        "serve", "--dev-addr", f"127.0.0.1:{port}",
    ]  # fmt: skip
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        path = next(iter(sorted((data / str(YEARS[-1])).rglob("*.yml"))))
        name = yaml.safe_load(path.read_text(encoding="utf-8"))["name"]
        url = f"http://127.0.0.1:{port}/{YEARS[-1]}/{slugify(name)}/"  # its URL name
        _wait_for(url, "<html", limit=1800)
        times = []
        for number in range(edits):
            time.sleep(1.0)  # let the watcher settle between edits
            marker = f"测量标记{number}号"
            text = path.read_text(encoding="utf-8")
            text = text.replace("problems: 无。", f"problems: {marker}。", 1)
            text = text.replace(f"测量标记{number - 1}号", marker)
            path.write_text(text, encoding="utf-8")
            times.append(_wait_for(url, marker, limit=600))
        return statistics.median(times)
    finally:
        # Stopped as a clerk stops it (Ctrl+C): it stops its children, which a plain
        # terminate left writing the kept downloads into a folder already removed.
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run(
    count: int, keep: bool, repeat: int = 1, left: list[Path] | None = None
) -> dict[str, object]:
    """One size's row; its folder is removed at once, or, with ``left``, added to it for the
    caller to remove after the last size (see ``_median``)."""
    work = Path(tempfile.mkdtemp(prefix=f"gongkai-bench-{count}-"))
    try:
        data = work / "data"
        synthesise(data, count)
        project = hooks_project(work, data)
        hooks = _median(repeat, project, work / "site-hooks", fresh=True)
        # The same build again, as a clerk builds again: the downloads kept by the first.
        again = _median(repeat, project, work / "site-again")
        plain = _median(repeat, plain_project(work, data), work / "site-plain")
        output = measure_output(work / "site-hooks")
        rebuild = measure_rebuild(work / "hooks", data)
        row = {
            "project_years": count,
            "hooks_s": round(hooks["seconds"], 2),
            "plain_s": round(plain["seconds"], 2),
            "ratio": round(hooks["seconds"] / plain["seconds"], 3),
            "again_s": round(again["seconds"], 2),
            "again_ratio": round(again["seconds"] / plain["seconds"], 3),
            "rebuild_s": round(rebuild, 2),
            "peak_mib": round(hooks["peak_mib"]),
            "writer_peak_mib": round(hooks["writer_mib"]),
            "together_mib": round(hooks["together_mib"]),
            "plain_peak_mib": round(plain["peak_mib"]),
            "plain_together_mib": round(plain["together_mib"]),
            "mean_page_kib": round(output.pop("mean_page_kib"), 2),
            **{k: round(v, 2) for k, v in output.items()},
        }
        if keep:
            out = ROOT / "benchmarks" / "out" / str(count)
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(work, out)
        return row
    finally:
        if left is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            left.append(work)


def _median(times: int, project: Path, site: Path, fresh: bool = False) -> dict[str, float]:
    """The run of median time of ``times`` builds of ``project`` into ``site``, each into a new
    folder; ``fresh``: without what an earlier build kept for the next (``.cache``).

    Nothing is deleted between timed builds: ext4 without a journal skips, when it makes a
    file, every inode freed in the last minute (five while not yet written back), and a build
    right after a large deletion took up to a quarter longer (perf: ``recently_deleted``). The
    folders are removed after the last size. MkDocs would also delete the last build's files
    within the build's own time."""
    runs = []
    for number in range(times):
        into = site if number == 0 else site.with_name(f"{site.name}-{number + 1}")
        kept = project / ".cache"
        if fresh and kept.exists():
            kept.rename(site.with_name(f"{site.name}-{number + 1}.cache"))
        runs.append(build(project, into))
    return sorted(runs, key=lambda measured: measured["seconds"])[(times - 1) // 2]


def run_district(keep: bool) -> dict[str, object]:
    """The district shape: the hooks' build, and the sizes a reader downloads — the largest
    page and the largest list data file (issue 27: ≤ 200 KiB and ≤ 300 KiB)."""
    from district import write_district

    work = Path(tempfile.mkdtemp(prefix="gongkai-bench-district-"))
    try:
        data = work / "data"
        count = write_district(data)
        hooks = build(hooks_project(work, data), work / "site-hooks")
        site = work / "site-hooks"
        pages = {p: p.stat().st_size for p in site.rglob("*.html") if "search" not in p.parts}
        lists = {p: p.stat().st_size for p in (site / "xiazai/liebiao").glob("*.js")}
        largest_page = max(pages, key=pages.__getitem__)
        largest_list = max(lists, key=lists.__getitem__)
        year_lists = [size for p, size in lists.items() if p.stem.isdigit()]
        row = {
            "project_years": count,
            "hooks_s": round(hooks["seconds"], 2),
            "peak_mib": round(hooks["peak_mib"]),
            "pages": len(pages),
            "largest_page": str(largest_page.relative_to(site)),
            "largest_page_kib": round(pages[largest_page] / 1024, 1),
            "largest_list": str(largest_list.relative_to(site)),
            "largest_list_kib": round(lists[largest_list] / 1024, 1),
            "year_list_kib": round(max(year_lists) / 1024, 1),
        }
        if keep:
            out = ROOT / "benchmarks" / "out" / "district"
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(work, out)
        return row
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _files(folder: Path) -> tuple[int, float]:
    """How many files a folder holds and their size in MiB (links not followed)."""
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return len(files), sum(p.stat().st_size for p in files) / 2**20


def _gongkai(project: Path, *args: str) -> float:
    """One gongkai command in a fresh interpreter, as the clerk runs it; its wall time."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "gongkai", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"gongkai {' '.join(args)}：\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
        )
    return seconds


def _archive_parts(export: Path) -> list[dict[str, object]]:
    """What the export holds, part by part: each year's own files (stored once), each
    version's pages across years (banben/<year>/), and the root (the newest version's pages
    across years, the search index, the downloads across years, the assets)."""
    from gongkai.commands.archive import file_year

    parts: dict[str, list[int]] = {}
    for path in export.rglob("*"):
        if not path.is_file():
            continue
        name = path.relative_to(export).as_posix()
        year = file_year(name)
        if year is not None:
            part = f"year {year}"
        elif name.startswith("banben/") and name.count("/") > 1:
            part = f"version {name.split('/')[1]}"
        else:
            part = "root"
        parts.setdefault(part, [0, 0])
        parts[part][0] += 1
        parts[part][1] += path.stat().st_size
    return [
        {"step": part, "files": count, "mib": round(size / 2**20, 2)}
        for part, (count, size) in sorted(parts.items())
    ]


def run_archive(count: int, keep: bool) -> list[dict[str, object]]:
    """Issue 28's archive run: ``count`` project-years over YEARS in a git repository, each year
    frozen in turn (``gongkai freeze``), then ``gongkai export``; beside them one plain build of
    the live site. One row per step."""
    work = Path(tempfile.mkdtemp(prefix=f"gongkai-archive-{count}-"))
    try:
        project = work / "project"
        synthesise(project / "data", count)
        for name in ("docs", "hooks"):
            shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("readme"))
        shutil.copy2(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        for args in (  # mike commits the versions as the repository's user
            ["init", "-q"],
            ["config", "user.name", "bench"],
            ["config", "user.email", "bench@example.gov.cn"],
            ["add", "-A"],
            ["commit", "-qm", "data"],
        ):
            subprocess.run(["git", *args], cwd=project, check=True)
        build_s = _gongkai(project, "build", "-d", str(work / "live"))
        live_files, live_mib = _files(work / "live")
        rows: list[dict[str, object]] = [
            {
                "step": "build (live site)",
                "seconds": round(build_s, 1),
                "files": live_files,
                "mib": round(live_mib, 1),
            }
        ]
        for year in YEARS:
            seconds = _gongkai(project, "freeze", str(year), "--date", f"{year + 1}-06-30")
            subprocess.run(["git", "add", "-A"], cwd=project, check=True)
            subprocess.run(["git", "commit", "-qm", f"freeze {year}"], cwd=project, check=True)
            rows.append(
                {
                    "step": f"freeze {year}",
                    "seconds": round(seconds, 1),
                    "ratio_to_build": round(seconds / build_s, 2),
                }
            )
        seconds = _gongkai(project, "export", str(work / "export"))
        files, mib = _files(work / "export")
        packed = subprocess.run(
            ["git", "count-objects", "-vH"], cwd=project, capture_output=True, text=True
        ).stdout
        rows.append(
            {
                "step": "export",
                "seconds": round(seconds, 1),
                "files": files,
                "mib": round(mib, 1),
                "ratio_to_live": round(mib / live_mib, 2),
                "git": " ".join(packed.split()),
            }
        )
        rows += _archive_parts(work / "export")
        if keep:
            out = ROOT / "benchmarks" / "out" / f"archive-{count}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(work, out, symlinks=True)
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000, 5000])
    parser.add_argument(
        "--keep", action="store_true", help="keep data and sites in benchmarks/out/"
    )
    parser.add_argument(
        "--district", action="store_true", help="the district shape (issue 27) instead of sizes"
    )
    parser.add_argument(
        "--archive",
        action="store_true",
        help="issue 28: freeze each year in turn, then export (one size, e.g. 7500)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="build each way this many times and take the median (the machine varies)",
    )
    args = parser.parse_args()
    if args.archive:
        rows = run_archive(args.sizes[0], args.keep)
    elif args.district:
        rows = [run_district(args.keep)]
    else:
        left: list[Path] = []
        try:
            rows = [run(n, args.keep, args.repeat, left) for n in args.sizes]
        finally:
            for work in left:
                shutil.rmtree(work, ignore_errors=True)
    columns = list(dict.fromkeys(c for row in rows for c in row))
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")


if __name__ == "__main__":
    main()
