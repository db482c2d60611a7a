"""What container a file is (文件类型), by its first bytes, not its name: a .doc that is really
a .docx, a .xls saved as web page, a .wps from WPS are each read by what they are."""

from __future__ import annotations

import zipfile
from pathlib import Path

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NAMES = {
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 工作簿（.xlsx）",
    "doc": "旧版 Word 或 WPS 文档（.doc/.wps）",
    "xls": "旧版 Excel 或 WPS 表格（.xls/.et）",
    "pdf": "PDF 文件",
    "html": "网页（.html）",
    "mhtml": "单个文件网页（.mhtml）",
    "text": "文本",
    "encrypted-office": "加密的 Office 文件",
    "image": "图片",
    "scan": "扫描件（文字识别）",
}


def detect(path: Path, head: bytes) -> str:
    """The container: docx, xlsx, doc, xls, pdf, html, mhtml, text, encrypted-office, image,
    or unknown."""
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return "broken"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "unknown"
    if head.startswith(OLE2):
        import olefile

        try:
            with olefile.OleFileIO(str(path)) as ole:
                streams = {"/".join(entry) for entry in ole.listdir()}
        except OSError:
            return "unknown"
        if "EncryptionInfo" in streams or "EncryptedPackage" in streams:
            return "encrypted-office"
        if "WordDocument" in streams:
            return "doc"
        if "Workbook" in streams or "Book" in streams:
            return "xls"
        return "unknown"
    if head.lstrip().startswith(b"%PDF") or head[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if (
        head[:4] in (b"\x89PNG", b"GIF8")
        or head[:3] == b"\xff\xd8\xff"
        or head[:4]
        in (
            b"II*\x00",
            b"MM\x00*",
        )
    ):
        return "image"
    sample = head[:4096]
    lowered = sample.lower()
    if b"mime-version:" in lowered[:2048] and b"multipart/related" in lowered:
        return "mhtml"
    for encoding in ("utf-16", "utf-8", "gb18030"):
        if encoding == "utf-16" and sample[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            continue
        try:
            text = sample.decode(encoding, errors="ignore").lower()
        except LookupError:  # pragma: no cover
            continue
        if "<html" in text or "<!doctype html" in text or "<table" in text or "<body" in text:
            return "html"
    return "text"
