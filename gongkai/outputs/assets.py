"""What every page loads, made cheap to fetch again: the site's own style sheet, scripts and icon
under names that carry a digest of their content (资源指纹), so that a returning reader's browser
keeps them without asking (``deploy/nginx.conf`` serves such names as immutable); and gzip copies
of the style sheets and scripts beside them, which nginx sends as they are (``gzip_static``)
instead of compressing them again for every reader.

Material's own files already carry a digest (``main.57a0d79d.min.css``); the site's own
(``assets/gongkai.css``) and the theme's icon get one here.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterable
from pathlib import Path

from gongkai.files import write_bytes_atomically

# The files every page names in its <head> or <body> that do not carry a digest already.
OWN_ASSETS = ("assets/gongkai", "assets/images/favicon")
COMPRESSED = (".css", ".js", ".svg")
# Folders of the assets that pages load; Material's search worker and lunr are never loaded
# (the site searches with its own index) and are left as they are.
COMPRESSED_DIRS = ("assets", "assets/stylesheets", "assets/javascripts")


def fingerprinted(src_uri: str, content: bytes) -> str:
    """``assets/gongkai.css`` → ``assets/gongkai.3f2a9c1e.css``: the first 8 hex digits of the
    content's SHA-256 before the extension."""
    stem, dot, extension = src_uri.rpartition(".")
    digest = hashlib.sha256(content).hexdigest()[:8]
    return f"{stem}.{digest}.{extension}" if dot else f"{src_uri}.{digest}"


def needs_fingerprint(src_uri: str) -> bool:
    return src_uri.startswith(OWN_ASSETS) and not src_uri.endswith(".map")


def compress_assets(site_dir: Path) -> int:
    """Write ``name.gz`` beside each style sheet and script the pages load, where it is missing
    or stale; the same bytes on every build (no time stamp inside). How many were written."""
    written = 0
    for folder in COMPRESSED_DIRS:
        for path in _files(site_dir / folder):
            packed = gzip.compress(path.read_bytes(), compresslevel=9, mtime=0)
            target = path.with_name(path.name + ".gz")
            if not target.exists() or target.read_bytes() != packed:
                write_bytes_atomically(target, packed)
                written += 1
    return written


def _files(folder: Path) -> Iterable[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in COMPRESSED)
