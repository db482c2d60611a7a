"""Bounds on what a file may make the import do (文件大小与解压上限), checked before reading:
memory stays bounded whatever a department sends."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gongkai.commands.importing.grid import SourceError

MAX_FILE_BYTES = 50 * 1024 * 1024  # a form or report is kilobytes; a scan a few megabytes
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a Word or Excel file may unpack to
MAX_RATIO = 200  # unpacked ÷ packed: real Office files stay far below, zip bombs far above
MAX_PART_BYTES = 20 * 1024 * 1024  # one XML part: a 60,000-row sheet, 170 MB in openpyxl
MAX_MEMBERS = 5_000  # parts of a Word or Excel file: a form has a few dozen
MAX_CELLS = 2_000_000  # cells of one sheet
MAX_PAGES = 300  # pages of one PDF


def check_size(path: Path) -> int:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise SourceError(
            f"{path}：文件有 {size / 1024 / 1024:.1f} MB，超过导入上限 "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB；一份报告或表格不会这么大，请确认是否选错了文件"
        )
    if size == 0:
        raise SourceError(f"{path}：文件是空的（0 字节）")
    return size


def check_zip(path: Path) -> zipfile.ZipFile:
    """An Office Open XML file, opened after its declared unpacked sizes were checked."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(f"{path}：文件已损坏，无法打开（{error}）") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        archive.close()
        raise SourceError(
            f"{path}：文件内含 {len(members)} 个部件，超过上限 {MAX_MEMBERS} 个；"
            "正常的 Word 或 Excel 文件只有几十个，为安全起见不予读取"
        )
    packed = max(path.stat().st_size, 1)
    unpacked = sum(info.file_size for info in members)
    largest = max(
        members,
        key=lambda info: info.file_size if info.filename.endswith(".xml") else 0,
        default=None,
    )
    if (
        largest is not None
        and largest.filename.endswith(".xml")
        and largest.file_size > MAX_PART_BYTES
    ):
        archive.close()
        raise SourceError(
            f"{path}：文件中的“{largest.filename}”解压后有 {largest.file_size / 1024 / 1024:.0f} MB，"
            f"超过单个部件上限 {MAX_PART_BYTES // 1024 // 1024} MB；一张绩效表不会这么大，"
            "请确认是否选错了文件，或把表格另存为只含这张表的文件"
        )
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > packed * MAX_RATIO and unpacked > 20_000_000):
        archive.close()
        raise SourceError(
            f"{path}：文件解压后有 {unpacked / 1024 / 1024:.0f} MB（原文件 "
            f"{packed / 1024:.0f} KB），不像正常的 Word 或 Excel 文件，为安全起见不予读取"
        )
    return archive
