"""Bounds on what a file may make the import do (文件大小与解压上限), checked before reading:
memory stays bounded whatever a department sends."""

from __future__ import annotations

import zipfile
from pathlib import Path

from gongkai.commands.importing.grid import SourceError

MAX_FILE_BYTES = 50 * 1024 * 1024  # a form or report is kilobytes; a scan a few megabytes
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what a Word or Excel file may unpack to
MAX_RATIO = 200  # unpacked ÷ packed: real Office files stay far below, zip bombs far above
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
    packed = max(path.stat().st_size, 1)
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES or (unpacked > packed * MAX_RATIO and unpacked > 20_000_000):
        archive.close()
        raise SourceError(
            f"{path}：文件解压后有 {unpacked / 1024 / 1024:.0f} MB（原文件 "
            f"{packed / 1024:.0f} KB），不像正常的 Word 或 Excel 文件，为安全起见不予读取"
        )
    return archive
