"""Link check (链接检查) of a built site: every internal link, asset and anchor resolves.

For the portal's web team before copying the folder to the server, and for the tests.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LINK_ATTRIBUTES = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
}
_EXTERNAL = ("http", "https", "mailto", "tel", "data", "javascript", "ftp")
_VIEW = re.compile(r"[a-z]{2}=[^&=]*(&[a-z]{2}=[^&=]*)*")


@dataclass(frozen=True, order=True)
class BrokenLink:
    """坏链接: where it is, what it points to, and why it fails."""

    page: str
    href: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}：{self.href}（{self.reason}）"


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.views = False  # a full list (项目一览), whose address after # is a view

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "data-gk-list":
                self.views = True
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif (tag, name) in _LINK_ATTRIBUTES:
                self.links.append(value)


def _scan(path: Path, cache: dict[Path, _Scan]) -> _Scan:
    if path not in cache:
        scan = _Scan()
        scan.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = scan
    return cache[path]


def _target(site: Path, base: Path, path: str, targets: dict[str, Path | str]) -> Path | str:
    """The file ``path`` leads to from ``base``, or why it leads nowhere. Every page links
    the same assets and menu entries, so each place is resolved once: resolving (a system
    call per folder of the path) cost more than reading the pages."""
    place = os.path.normpath(os.path.join(base, path))
    if place not in targets:
        target = Path(place).resolve()
        if site not in (target, *target.parents):
            targets[place] = "指向网站目录之外"
        else:
            if target.is_dir():
                target = target / "index.html"
            targets[place] = target if target.is_file() else "文件不存在"
    return targets[place]


def check_links(site: Path) -> list[BrokenLink]:
    """Every broken internal link of every HTML page under ``site``; external links are
    not followed (the site must work without them)."""
    site = site.resolve()
    cache: dict[Path, _Scan] = {}
    targets: dict[str, Path | str] = {}
    broken: list[BrokenLink] = []
    for page in sorted(site.rglob("*.html")):
        shown = page.relative_to(site).as_posix()
        for href in _scan(page, cache).links:
            parts = urlsplit(href)
            if parts.scheme in _EXTERNAL or parts.netloc:
                continue
            if parts.path:
                # A root-relative path (MkDocs' 404 page) is read against the site's root.
                base = site if parts.path.startswith("/") else page.parent
                found = _target(site, base, unquote(parts.path).lstrip("/"), targets)
                if isinstance(found, str):
                    broken.append(BrokenLink(shown, href, found))
                    continue
                target = found
            else:
                target = page
            fragment = unquote(parts.fragment)
            scanned = _scan(target, cache) if target.suffix == ".html" else None
            # A list's sort and filters (#zx=-79.99&px=5a) are a view of it, not an anchor.
            if scanned is not None and scanned.views and _VIEW.fullmatch(fragment):
                continue
            if fragment and scanned is not None and fragment not in scanned.ids:
                broken.append(BrokenLink(shown, href, f"页面中没有锚点 #{fragment}"))
    return broken
