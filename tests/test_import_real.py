"""Real published documents (tests/corpus/real/sources, each with its source address), rebuilt
into every container departments use, imported with no flags: no field is ever wrong, and the
digital containers read them (nearly) in full. The figures are those of
``benchmarks/import_eval.py``."""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_eval import CORPUS, Score, container_of, score_input  # noqa: E402

from gongkai.commands.importing.containers import read_documents  # noqa: E402
from gongkai.commands.importing.grid import SourceError  # noqa: E402
from gongkai.commands.importing.run import import_files  # noqa: E402

BUILT = sorted((CORPUS / "built").glob("*/*"))
# What each container gets right at least, measured on this corpus (README: the table).
FLOORS = {
    "xlsx": 0.99, "xls": 0.99, "pipes.txt": 0.99, "browser.txt": 0.99, "lines.txt": 0.98,
    "docx": 0.99, "doc": 0.99, "html": 0.99, "mhtml": 0.99, "pdf": 0.99, "runon.txt": 0.85,
    "txt": 0.8,
}  # fmt: skip


def imported(path: Path, tmp_path: Path) -> tuple[dict | None, int | None]:
    out = tmp_path / "data"
    import_files([path], out, None, None, False)
    files = sorted(out.glob("[0-9]*/*/*.yml"))
    if not files:
        return None, None
    return yaml.safe_load(files[0].read_text(encoding="utf-8")), int(files[0].parts[-3])


def test_the_corpus_has_its_sources_and_every_container() -> None:
    sources = sorted((CORPUS / "sources").glob("*.yml"))
    assert len(sources) >= 20
    provinces = set()
    for source in sources:
        spec = yaml.safe_load(source.read_text(encoding="utf-8"))
        assert spec["source"].startswith("http"), source
        provinces.add(spec["province"])
        built = {container_of(p) for p in (CORPUS / "built" / source.stem).iterdir()}
        assert {"docx", "doc", "pdf", "html", "mhtml"} <= built, source
    assert len(provinces) >= 6


def spec_of(path: Path) -> dict:
    return yaml.safe_load((CORPUS / "sources" / f"{path.parent.name}.yml").read_text("utf-8"))


@pytest.mark.parametrize("path", BUILT, ids=[p.name for p in BUILT])
def test_no_field_is_wrong(path: Path, tmp_path: Path) -> None:
    score = Score()
    score_input(path, spec_of(path), tmp_path / "data", score, path.name)
    assert score.wrong == 0, score.details


def test_each_container_reads_at_least_its_measured_share(tmp_path: Path) -> None:
    totals: dict[str, Score] = {}
    for index, path in enumerate(BUILT):
        score = totals.setdefault(container_of(path), Score())
        score_input(path, spec_of(path), tmp_path / str(index), score, path.name)
    for container, floor in FLOORS.items():
        score = totals[container]
        assert score.right / score.total >= floor, (container, score.details)


def test_blank_completion_cells_never_take_the_weight(tmp_path: Path) -> None:
    """The Sichuan form leaves 完成值 and 得分 blank: copied one cell a line, with the empty
    cells marked or with them dropped, 权重 60 never becomes 完成值."""
    lines = (CORPUS / "built/sc-qingshen-2023-gongzi/sc-qingshen-2023-gongzi.lines.txt").read_text(
        encoding="utf-8"
    )
    for name, text in (
        ("marked.txt", lines),
        (
            "blank-lines.txt",
            "\n".join(line.removesuffix("|").rstrip() for line in lines.splitlines()),
        ),
        (
            "dropped.txt",
            "\n".join(
                line.removesuffix("|").rstrip() for line in lines.splitlines() if line.strip("| ")
            ),
        ),
    ):
        source = tmp_path / name
        source.write_text(text, encoding="utf-8")
        data, _ = imported(source, tmp_path / name.split(".")[0])
        assert data is not None, name
        for indicator in data.get("performance", {}).get("indicators", []):
            assert "actual" not in indicator, (name, indicator)
            assert indicator.get("weight") in (None, 60, 30), (name, indicator)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_text_in_any_encoding_is_read_and_named(encoding: str, tmp_path: Path) -> None:
    text = (CORPUS / "built/sc-qingshen-2023-gongzi/sc-qingshen-2023-gongzi.pipes.txt").read_text(
        encoding="utf-8"
    )
    source = tmp_path / "form.txt"
    source.write_bytes(text.encode(encoding))
    (document,) = read_documents(source)
    assert document.encoding == {"gb18030": "GB18030（GBK）", "utf-16": "UTF-16"}.get(
        encoding, "UTF-8"
    )
    data, year = imported(source, tmp_path)
    assert data is not None and year == 2023 and data["name"] == "工资性支出"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w") as padding:
            for _ in range(300):
                padding.write(b"\0" * (1024 * 1024))
    assert bomb.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(SourceError, match="解压后"):
        read_documents(bomb)


def test_an_oversized_file_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.write(b"%PDF-1.4\n")
        handle.truncate(60 * 1024 * 1024)
    with pytest.raises(SourceError, match="超过导入上限"):
        read_documents(big)


def test_a_pdf_without_text_is_named_a_scan(tmp_path: Path) -> None:
    blank = tmp_path / "scan.pdf"
    blank.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    with pytest.raises(SourceError, match="扫描件"):
        read_documents(blank)


def test_a_spreadsheet_that_is_not_a_form_is_refused_in_chinese(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", "123"])
    path = tmp_path / "通讯录.xlsx"
    book.save(path)
    outcome = import_files([path], tmp_path / "data", None, None, False)
    assert outcome.errors and "没有可识别的内容" in outcome.errors[0]
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.yml"))


def test_encrypted_files_are_refused_with_a_reason(tmp_path: Path) -> None:
    """A workbook, a PDF and an old Word file with an opening password: each is named as such."""
    import io

    from msoffcrypto.format.ooxml import OOXMLFile
    from pypdf import PdfReader, PdfWriter

    built = CORPUS / "built" / "sc-qingshen-2023-gongzi"
    locked_xlsx = tmp_path / "locked.xlsx"
    with (built / "sc-qingshen-2023-gongzi.xlsx").open("rb") as plain:
        encrypted = io.BytesIO()
        OOXMLFile(plain).encrypt("1234", encrypted)
    locked_xlsx.write_bytes(encrypted.getvalue())

    writer = PdfWriter()
    for page in PdfReader(built / "sc-qingshen-2023-gongzi.pdf").pages:
        writer.add_page(page)
    writer.encrypt(user_password="1234", owner_password="5678")
    locked_pdf = tmp_path / "locked.pdf"
    with locked_pdf.open("wb") as handle:
        writer.write(handle)

    # The Word binary's FIB says fEncrypted (bit 8 of the flags at 0x0A of WordDocument).
    import olefile

    locked_doc = tmp_path / "locked.doc"
    locked_doc.write_bytes((built / "sc-qingshen-2023-gongzi.doc").read_bytes())
    with olefile.OleFileIO(str(locked_doc), write_mode=True) as ole:
        word = bytearray(ole.openstream("WordDocument").read())
        word[0x0B] |= 0x01
        ole.write_stream("WordDocument", bytes(word))

    for path in (locked_xlsx, locked_pdf, locked_doc):
        outcome = import_files([path], tmp_path / "data", None, None, False)
        assert outcome.errors, path
        assert "密码" in outcome.errors[0], outcome.errors
        assert not list((tmp_path / "data").rglob("*.yml"))


def test_memory_stays_bounded_on_a_bomb_and_a_large_sheet(tmp_path: Path) -> None:
    """The refusal happens before anything large is read: a child process that imports a zip
    bomb of 400 MB stays under 500 MiB (its own high-water mark, VmHWM)."""
    import subprocess

    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(400):  # written a megabyte at a time: this process stays small too
                sheet.write(block)
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from gongkai.commands.importing.run import import_files\n"
        f"outcome = import_files([Path({str(bomb)!r})], Path({str(tmp_path / 'data')!r}), "
        "None, None, False)\n"
        "print(outcome.errors[0])\n"
        "status = Path('/proc/self/status').read_text()\n"
        "print(int(status.split('VmHWM:')[1].split()[0]) // 1024)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    message, peak = result.stdout.strip().splitlines()
    assert "解压后" in message
    assert int(peak) < 500


def test_a_department_report_gives_a_file_per_project_it_states(tmp_path: Path) -> None:
    """南县政协's report lists its projects with their amounts in one sentence of spending: the
    department's file, and one file per project, its amount as the executed figure, marked
    incomplete and inferred; the unfinished last item (调研协商, no amount) gives none."""
    source = CORPUS / "built/hn-nanxian-2021-zhengxie/hn-nanxian-2021-zhengxie.docx"
    outcome = import_files([source], tmp_path / "data", None, "南县政协", False)
    assert not outcome.errors, outcome.errors
    files = {
        data["name"]: data
        for data in (
            yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in (tmp_path / "data/2021").rglob("*.yml")
        )
    }
    stated = {  # 万元 in the sentence, yuan by hand
        "委员活动经费": 363000,
        "扫黑除恶工作经费": 10000,
        "信息网络运行经费": 50000,
        "老干部活动经费": 105000,
        "派出纪检监察组专项经费": 50000,
    }
    assert set(files) == {*stated, "部门整体支出"}
    for name, executed in stated.items():
        data = files[name]
        assert data["incomplete"] is True
        assert data["budget"] == [{"year": 2021, "executed": executed}]
        assert "initial" not in data["budget"][0]
    assert files["部门整体支出"]["kind"] == "部门整体"


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict]]:
    """A fresh project with one container of every real document imported (the workbook a
    budget system exports for forms, the old Word file for reports), then built."""
    from conftest import copy_project, mkdocs_build, run_cli

    root = tmp_path_factory.mktemp("real")
    project = copy_project(root / "project")
    shutil.rmtree(project / "data")
    for source in sorted((CORPUS / "sources").glob("*.yml")):
        kind = yaml.safe_load(source.read_text(encoding="utf-8"))["kind"]
        suffix = ".xls" if kind in ("自评表", "绩效目标表") else ".doc"
        path = CORPUS / "built" / source.stem / f"{source.stem}{suffix}"
        given = ["--department", "南县政协"] if "nanxian" in source.stem else []
        result = run_cli(project, "import", str(path), "--out", "data", *given)
        assert result.returncode == 0, (path.name, result.stdout, result.stderr)
    result = mkdocs_build(project, project / "site")
    assert result.returncode == 0, result.stderr
    documents = []
    for path in sorted((project / "data").rglob("*.yml")):
        if path.name != "departments.yml":
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            data["_path"] = path
            documents.append(data)
    return project / "site", documents


def test_the_site_shows_every_figure_of_every_real_document(
    real_site: tuple[Path, list[dict]],
) -> None:
    import re

    from test_import_kinds import _figures
    from test_site import soup, text_of

    site, documents = real_site
    assert len(documents) >= 16
    for data in documents:
        path: Path = data["_path"]
        page = soup(site, f"{path.parent.parent.name}/{data.get('slug') or path.stem}/index.html")
        shown = re.sub(r"\s+", "", text_of(page.find("article")))
        assert re.sub(r"\s+", "", data["name"]) in shown, path
        for figure in _figures(data):
            assert re.sub(r"\s+", "", figure) in shown, (path.name, figure)


def test_a_document_or_workbook_holding_two_forms_gives_two_files(tmp_path: Path) -> None:
    """Two real forms in one Word file (one after the other), and in one workbook (a sheet
    each): a data file each, each with its own name and figures."""
    import openpyxl

    sys.path.insert(0, str(CORPUS))
    import rebuild

    first = rebuild.load(CORPUS / "sources/sc-qingshen-2023-gongzi.yml")
    second = rebuild.load(CORPUS / "sources/sc-zhongjiang-2022-biaochi.yml")
    both = {**first, "blocks": first["blocks"] + ["（第二张表）"] + second["blocks"]}
    word = tmp_path / "两张表.docx"
    rebuild.write_docx(both, word)

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in ("sc-qingshen-2023-gongzi", "sc-zhongjiang-2022-biaochi"):
        source = openpyxl.load_workbook(CORPUS / "built" / name / f"{name}.xlsx").active
        sheet = book.create_sheet(name[:20])
        for row in source.iter_rows():
            for cell in row:
                target = sheet.cell(cell.row, cell.column, cell.value)
                target.number_format = cell.number_format
        for merged in source.merged_cells.ranges:
            sheet.merge_cells(str(merged))
    workbook = tmp_path / "两个工作表.xlsx"
    book.save(workbook)

    for path in (word, workbook):
        out = tmp_path / path.stem / "data"
        outcome = import_files([path], out, None, None, False)
        assert not outcome.errors, outcome.errors
        files = {
            data["name"]: (data, int(p.parts[-3]))
            for p in out.rglob("*.yml")
            if "name" in (data := yaml.safe_load(p.read_text("utf-8")))
        }
        assert set(files) == {
            "工资性支出",
            "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装",
        }, path
        qingshen, qingshen_year = files["工资性支出"]
        zhongjiang, zhongjiang_year = files[
            "中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装"
        ]
        assert (qingshen_year, zhongjiang_year) == (2023, 2022), path  # each its own title's
        assert qingshen["form"]["funds"][0]["adjusted"] == 2518900
        assert zhongjiang["form"]["funds"][0]["executed"] == 200000
        assert len(qingshen["performance"]["indicators"]) == 2
        assert len(zhongjiang["performance"]["indicators"]) == 9  # its "……" row is none


def test_files_are_read_by_what_they_are_not_by_their_names(tmp_path: Path) -> None:
    """WPS saves .et and .wps in the binary formats of .xls and .doc; a clerk renames files; a
    web page is saved as .xls by some systems. Each is read by its content."""
    built = CORPUS / "built" / "sc-qingshen-2023-gongzi"
    renamed = {
        "表格.et": "sc-qingshen-2023-gongzi.xls",
        "文字.wps": "sc-qingshen-2023-gongzi.doc",
        "其实是docx.doc": "sc-qingshen-2023-gongzi.docx",
        "其实是网页.xls": "sc-qingshen-2023-gongzi.html",
    }
    for index, (name, original) in enumerate(renamed.items()):
        path = tmp_path / name
        shutil.copy(built / original, path)
        data, year = imported(path, tmp_path / str(index))
        assert data is not None and year == 2023, name
        assert data["form"]["funds"][0]["adjusted"] == 2518900, name


def test_the_review_workbook_has_a_row_per_file_worst_first(tmp_path: Path) -> None:
    """导入核对.xlsx beside the data folder: a failed file first with its reason, then the files
    to check (here the 贵池 form whose 年度资金总额 row says 0 above parts of 90), then the rest."""
    import openpyxl
    from conftest import copy_project, run_cli

    project = copy_project(tmp_path / "project")
    shutil.rmtree(project / "data")
    folder = tmp_path / "报送"
    folder.mkdir()
    for stem, suffix in (
        ("ah-guichi-2022-weituo", ".xls"),
        ("sc-qingshen-2023-gongzi", ".xlsx"),
        ("hn-xiangtan-2023-wupao", ".html"),
    ):
        shutil.copy(CORPUS / "built" / stem / f"{stem}{suffix}", folder)
    (folder / "扫描件.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 64)
    result = run_cli(project, "import", str(folder), "--out", "data")
    assert result.returncode == 1, result.stdout
    assert "1 个文件有问题" in result.stderr and "其余文件共写入 3 个数据文件" in result.stderr
    sheet = openpyxl.load_workbook(project / "导入核对.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    heads = rows[0]
    records = [dict(zip(heads, row, strict=True)) for row in rows[1:]]
    assert len(records) == 4
    assert records[0]["结果"] == "未导入" and "图片" in records[0]["问题"]
    guichi = next(r for r in records if "guichi" in r["文件"])
    assert "不等于其下各行之和" in guichi["表内勾稽不符"]
    assert guichi["年度"] == "2022" and guichi["种类"] == "自评表"
    qingshen = next(r for r in records if "qingshen" in r["文件"])
    assert qingshen["全年预算（元）"] == "2518900" and qingshen["指标数"] == 2


def test_a_form_page_shows_only_the_money_columns_its_form_has(
    real_site: tuple[Path, list[dict]],
) -> None:
    """中江's form has no 年初预算数 column: its page shows none (never a column of 未填 that the
    department could not have filled); 青神's has one, and its page shows it."""
    from test_site import soup

    site, documents = real_site
    heads = {}
    for data in documents:
        path: Path = data["_path"]
        page = soup(site, f"{path.parent.parent.name}/{data.get('slug') or path.stem}/index.html")
        table = page.select_one("table.gk-form")
        if table is not None:
            heads[data["name"]] = table.get_text(" ", strip=True)
    assert (
        "年初预算数"
        not in heads["中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装"]
    )
    assert (
        "全年执行数" in heads["中江县农业水价综合改革精准补贴和节水奖励项目小型水库水标尺制作安装"]
    )
    assert "年初预算数" in heads["工资性支出"]


def test_each_container_limit_has_its_own_message(tmp_path: Path) -> None:
    """Too many parts in a zip, one XML part too large, a table with too many rows or columns:
    each refused with its own sentence naming the file, before a grid is made."""
    import os

    many = tmp_path / "many.docx"
    with zipfile.ZipFile(many, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        for number in range(5_001):
            archive.writestr(f"word/media/{number}.txt", "")
    with pytest.raises(SourceError, match="个部件，超过上限 5000 个"):
        read_documents(many)

    large = tmp_path / "large.xlsx"
    with zipfile.ZipFile(large, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for _ in range(11):  # hex of random bytes: packs only to half, not a bomb by ratio
                sheet.write(os.urandom(1024 * 1024).hex().encode())
    with pytest.raises(SourceError, match="超过单个部件上限 20 MB") as refused:
        read_documents(large)
    assert str(large) in str(refused.value)

    rows = tmp_path / "rows.html"
    rows.write_text(
        "<table>" + "<tr><td>项目</td><td>1</td></tr>" * 20_001 + "</table>", encoding="utf-8"
    )
    with pytest.raises(SourceError, match="行，超过导入上限 20000 行") as refused:
        read_documents(rows)
    assert str(rows) in str(refused.value)

    columns = tmp_path / "columns.html"
    columns.write_text(
        '<table><tr><td>项目名称</td><td colspan="5000">x</td></tr>'
        "<tr><td>资金</td><td>1</td></tr></table>",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="列，超过导入上限 300 列"):
        read_documents(columns)
