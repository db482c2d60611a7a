"""One small reader per container (容器), each yielding the common grid
(:mod:`gongkai.commands.importing.grid`): text, html, spreadsheet (xlsx, xls), word (docx),
wordbinary (doc), pdf, and scan (images and image-only PDFs, by OCR). :func:`read_documents` finds the container by content and reads it."""

from __future__ import annotations

from pathlib import Path

from gongkai.commands.importing.containers.detect import detect
from gongkai.commands.importing.containers.limits import check_size
from gongkai.commands.importing.grid import Document, SourceError, TableTooLarge

SUFFIXES = (
    ".xlsx", ".xlsm", ".xls", ".et", ".docx", ".doc", ".wps", ".pdf", ".html", ".htm",
    ".mhtml", ".mht", ".txt", ".text", ".csv",
)  # fmt: skip
IMAGES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".gif")


def read_documents(path: Path) -> list[Document]:
    """Every document the file holds (a workbook gives one a sheet), by what the file is."""
    try:
        return _read_documents(path)
    except TableTooLarge as error:  # found deep in a reader, which does not know the file
        raise SourceError(f"{path}：{error}") from None


def _read_documents(path: Path) -> list[Document]:
    if not path.is_file():
        raise SourceError(f"{path}：文件不存在")
    check_size(path)
    with path.open("rb") as handle:
        head = handle.read(8192)
    container = detect(path, head)
    if container == "encrypted-office":
        raise SourceError(
            f"{path}：文件设有打开密码（已加密），无法读取；请让报送单位去掉密码后重新提供"
        )
    if container == "image":  # a scan or a photo: read by OCR, checked by the clerk
        from gongkai.commands.importing.containers.scan import read_scan

        return [read_scan(path)]
    if container == "docx":
        from gongkai.commands.importing.containers.word import read_docx

        return [read_docx(path)]
    if container == "xlsx":
        from gongkai.commands.importing.containers.spreadsheet import read_xlsx

        return read_xlsx(path)
    if container == "xls":
        from gongkai.commands.importing.containers.spreadsheet import read_xls

        return read_xls(path)
    if container == "doc":
        from gongkai.commands.importing.containers.wordbinary import read_doc

        return [read_doc(path)]
    if container == "pdf":
        from gongkai.commands.importing.containers.pdf import read_pdf

        return [read_pdf(path)]
    if container == "broken":
        raise SourceError(f"{path}：文件已损坏，无法打开（不是完整的 Word 或 Excel 文件）")
    if container == "unknown":
        raise SourceError(f"{path}：无法识别的文件格式（不是 Word、Excel、PDF、网页或文本）")
    raw = path.read_bytes()
    if container == "mhtml":
        from gongkai.commands.importing.containers.html import read_mhtml

        return [read_mhtml(raw, str(path))]
    if container == "html":
        from gongkai.commands.importing.containers.html import read_html

        return [read_html(raw, str(path))]
    from gongkai.commands.importing.containers.text import read_text

    if (
        b"\x00" in raw[:4096]
        and raw[:2] not in (b"\xff\xfe", b"\xfe\xff")
        and raw.count(b"\x00") < len(raw) // 4
    ):
        raise SourceError(f"{path}：不是文本文件，也不是可识别的文档格式")
    return [read_text(raw, str(path))]


__all__ = ["IMAGES", "SUFFIXES", "Document", "SourceError", "read_documents"]
