"""原文附件 (original documents): the files a report lists as published — the signed PDF, the
Word file — checked, given a SHA-256 checksum, and copied into the site beside the page.

Copying them is ``gongkai.outputs.originals``. A citizen downloads the document the department signed; the checksum lets anyone confirm that
the copy on the site is that document, byte for byte.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gongkai.model.catalog import Catalog, ProjectYear
from gongkai.model.errors import DataError

FOLDER = "fujian"  # site folder of the attachments: fujian/<年度>/<项目代号>/<文件名>
KINDS = {
    ".pdf": "PDF",
    ".ofd": "OFD",
    ".doc": "Word",
    ".docx": "Word",
    ".wps": "WPS",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".et": "WPS 表格",
    ".txt": "文本",
    ".jpg": "图片",
    ".jpeg": "图片",
    ".png": "图片",
}


@dataclass(frozen=True)
class AttachmentFile:
    """One original document of one report, as the site offers it."""

    source: Path
    site_path: str  # site-relative, with "/" separators
    title: str
    kind: str  # PDF, Word …
    size: int  # bytes
    sha256: str

    @property
    def size_text(self) -> str:
        """The size as people read it.

        >>> AttachmentFile(Path("a"), "a", "a", "PDF", 1536, "").size_text
        '1.5 KB'
        """
        if self.size < 1024:
            return f"{self.size} 字节"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.1f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


# Checksums by (path, mtime, size): a `gongkai serve` session does not re-read unchanged files.
_DIGESTS: dict[tuple[Path, int, int], str] = {}


def sha256_of(path: Path) -> tuple[int, str]:
    stat = path.stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _DIGESTS:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _DIGESTS[key] = digest.hexdigest()
    return stat.st_size, _DIGESTS[key]


def _problem(entry: ProjectYear, root: Path, file: str) -> str | None:
    """Why a listed attachment cannot be published, or None."""
    relative = PurePosixPath(file.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts:
        return "应为数据文件所在目录下的文件（不能用绝对路径或 ..）"
    path = entry.path.parent / relative
    if Path(path).suffix.lower() not in KINDS:
        return "附件应为 " + "、".join(sorted({k.lstrip(".") for k in KINDS})) + " 文件"
    if not path.is_file():
        return f"找不到文件 {file}：请把原件放到数据文件旁的这个位置，或改正文件名"
    if root not in path.resolve().parents:
        return "附件应放在数据目录之内"
    return None


def check_attachments(catalog: Catalog, data_path: Path) -> list[DataError]:
    """Every listed attachment exists, inside the data folder, of a document kind."""
    errors = []
    root = data_path.resolve()
    for entry in catalog.reports:
        for index, attachment in enumerate(entry.report.attachments):
            problem = _problem(entry, root, attachment.file)
            if problem:
                loc = ("attachments", index, "file")
                line = entry.document.line_of(loc)
                errors.append(DataError(entry.source, line, f"attachments[{index}].file", problem))
    return errors


def attachments_of(entry: ProjectYear) -> list[AttachmentFile]:
    """The report's original documents with size and checksum (checked beforehand)."""
    found = []
    for attachment in entry.report.attachments:
        source = entry.path.parent / attachment.file.replace("\\", "/")
        size, digest = sha256_of(source)
        name = source.name
        found.append(
            AttachmentFile(
                source,
                f"{FOLDER}/{entry.year}/{entry.slug}/{name}",
                attachment.title or source.stem,
                KINDS[source.suffix.lower()],
                size,
                digest,
            )
        )
    return found
