"""The bad-input corpus (tests/corpus/): every case ends in a Chinese error with file and line,
or renders as text; never a traceback, never a partial site, never a script that runs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browsing import open_page, serve
from conftest import DATA, copy_project, fingerprint, mkdocs_build
from test_site import soup, text_of

from gongkai.model.errors import DataErrors
from gongkai.model.report import Report, _text
from gongkai.settings import Settings
from gongkai.site import load_site

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load(
    (CORPUS / "expected.yml").read_text(encoding="utf-8")
)
ERRORS = sorted(name for name, case in EXPECTED.items() if case["outcome"] == "error")
RENDERS = sorted(name for name, case in EXPECTED.items() if case["outcome"] == "render")
TARGET = "data/2023/xiqu-xinfangju"
PWNED = Path("/tmp/gongkai-pwned")


def test_corpus_is_complete() -> None:
    files = sorted(p.name for p in CORPUS.glob("*.yml") if p.name != "expected.yml")
    assert files == sorted(EXPECTED)
    assert len(files) >= 40


@pytest.mark.parametrize("name", ERRORS)
def test_error_case(tmp_path: Path, name: str) -> None:
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    shutil.copy(CORPUS / name, data / "2023/xiqu-xinfangju" / name)
    with pytest.raises(DataErrors) as caught:
        load_site(Settings(root=tmp_path))
    mine = [error for error in caught.value.errors if name in str(error)]
    assert mine, caught.value.report()
    case = EXPECTED[name]
    text = str(mine[0])
    assert case["message"] in text
    if case.get("line"):
        assert mine[0].line == case["line"], text
    if "field" in case:
        assert mine[0].field == case["field"], text
    assert re.search(r"[\u4e00-\u9fff]", mine[0].message), "the message must be Chinese"


def test_all_error_cases_in_one_build_leave_the_site_untouched(tmp_path: Path) -> None:
    PWNED.unlink(missing_ok=True)
    project = copy_project(tmp_path / "project")
    site = tmp_path / "site"
    assert mkdocs_build(project, site).returncode == 0
    before = fingerprint(site)
    for name in ERRORS:
        shutil.copy(CORPUS / name, project / TARGET / name)
    result = mkdocs_build(project, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    for name in ERRORS:
        assert name in output, name
    assert fingerprint(site) == before
    assert not PWNED.exists(), "a YAML tag ran a command"


@pytest.fixture(scope="module")
def render_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("render")
    project = copy_project(root / "project")
    for name in RENDERS:
        shutil.copy(CORPUS / name, project / TARGET / name)
    everything = project / TARGET / "every-field.yml"
    everything.write_text(
        yaml.safe_dump(payload_everywhere(), allow_unicode=True), encoding="utf-8"
    )
    site = root / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.mark.parametrize("name", RENDERS)
def test_render_case_shows_text_as_text(render_site: Path, name: str) -> None:
    case = EXPECTED[name]
    page = soup(render_site, case["page"] + "index.html")
    shown = text_of(page.find("article"))
    for text in case["shows"]:
        assert re.sub(r"\s+", "", text) in shown, text


PAYLOAD = '<script>window.__gk_pwned=9</script><img src=x onerror="window.__gk_pwned=8">{{ 7*7 }}"\'</style>'


def payload_everywhere() -> dict[str, Any]:
    """A report with the payload in every text field the model has (names get a safe variant)."""

    def fill(model: Any) -> dict[str, Any]:
        # Every field validated as free text (the model's Text type) gets the payload.
        return {
            field: PAYLOAD
            for field, info in model.model_fields.items()
            if field != "name"
            and (
                _text.__name__ in repr(info.annotation)
                or any(getattr(m, "func", None) is _text for m in info.metadata)
            )
        }

    from gongkai.model.report import (
        Evaluation,
        Funds,
        Implementation,
        Indicator,
        Overview,
        Performance,
    )

    report = {
        "name": '全字段注入"&项目',
        "slug": "quan-ziduan-zhuru",
        "budget": [
            {
                "year": 2023,
                "initial": 100,
                "executed": 50,
                "stated_change": PAYLOAD,
                "change_reason": PAYLOAD,
                "execution_reason": PAYLOAD,
                "stated_rate": PAYLOAD,
            }
        ],
        "disclosure": {"channel": PAYLOAD, "document_number": PAYLOAD, "index_number": PAYLOAD},
        "overview": {**fill(Overview), "basic_info": [PAYLOAD]},
        "funds": fill(Funds),
        "implementation": fill(Implementation),
        "performance": {
            **{k: v for k, v in fill(Performance).items() if k != "indicators"},
            "indicators": [
                {**fill(Indicator), "name": PAYLOAD, "level1": PAYLOAD, "level2": PAYLOAD}
            ],
        },
        "evaluation": {**fill(Evaluation), "grade": PAYLOAD},
        "corrections": [
            {
                "date": "2024-01-02",
                "field": PAYLOAD,
                "old": PAYLOAD,
                "new": PAYLOAD,
                "reason": PAYLOAD,
            }
        ],
    }
    Report.model_validate(report)
    return report


def test_payload_in_every_text_field_is_escaped(render_site: Path) -> None:
    html = (render_site / "2023/quan-ziduan-zhuru/index.html").read_text(encoding="utf-8")
    assert "window.__gk_pwned" in html  # the text is there…
    assert "<script>window.__gk_pwned" not in html and "<img src=x" not in html  # …as text only
    assert '</style>"' not in html
    escaped = "&lt;script&gt;window.__gk_pwned=9&lt;/script&gt;"
    assert html.count(escaped) >= 20


@pytest.fixture(scope="module")
def render_server(render_site: Path) -> Iterator[str]:
    with serve(render_site) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize(
    "page",
    [EXPECTED[n]["page"] for n in RENDERS] + ["2023/quan-ziduan-zhuru/", "shixiao/", "2023/", ""],
)
def test_nothing_from_the_data_runs_in_chromium(
    browser: object, render_server: str, page: str
) -> None:
    opened, outside, _ = open_page(browser, render_server + page)
    dialogs: list[str] = []
    opened.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    opened.wait_for_timeout(300)  # type: ignore[attr-defined]
    assert opened.evaluate("window.__gk_pwned === undefined")  # type: ignore[attr-defined]
    handlers = opened.evaluate(
        "document.querySelectorAll('[onerror],[onload],[onmouseover]').length"
    )  # type: ignore[attr-defined]
    assert handlers == 0
    assert dialogs == []
    assert [
        u for u in outside if "example.com" in u
    ] == []  # a URL in the text is not loaded either
    opened.close()  # type: ignore[attr-defined]


def test_a_data_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    from gongkai.model.loader import MAX_DATA_BYTES, read_yaml

    big = tmp_path / "big.yml"
    big.write_text("name: 大文件\noverview:\n  content: " + "字" * MAX_DATA_BYTES, encoding="utf-8")
    error = read_yaml(big, "data/2023/big.yml")
    assert not hasattr(error, "data")
    assert "超过数据文件上限 2 MB" in str(error) and "data/2023/big.yml" in str(error)


def test_memory_stays_bounded_on_every_hostile_data_file(tmp_path: Path) -> None:
    """Every case of the corpus, and nesting and size bombs past the limits, read in a child
    process whose high-water mark (VmHWM) stays under 500 MiB; none ends in a traceback."""
    import subprocess
    import sys

    (tmp_path / "deep.yml").write_text("name: " + "[" * 200_000 + "\n", encoding="utf-8")
    (tmp_path / "big.yml").write_text("a: " + "x" * 30_000_000 + "\n", encoding="utf-8")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gongkai.model.loader import read_yaml\n"
        "for name in sys.argv[1:]:\n"
        "    read_yaml(Path(name), name)\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) // 1024)\n"
    )
    files = [str(p) for p in sorted(CORPUS.glob("*.yml"))]
    files += [str(tmp_path / "deep.yml"), str(tmp_path / "big.yml")]
    result = subprocess.run(
        [sys.executable, "-c", script, *files], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert int(result.stdout.strip()) < 500
