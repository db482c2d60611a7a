"""The generated pages as MkDocs sees them (生成的页面): virtual Markdown files holding only
their front matter, whose HTML the hooks render in on_page_content.

A ``gongkai serve`` session keeps them between builds: a rebuild makes new files only for the
pages its change touches and hands MkDocs the earlier files (and their Page objects) for the
rest, which it neither reads nor writes. At 10,000 project-years, making 12,000 files and pages
anew was a second of every rebuild."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import meta


class GeneratedPage(File):
    """A generated page; in an incremental build, modified only if the change touches it."""

    touched: set[str] | None = None  # None: every page
    json_front = False  # its front matter is one "name: value" a line, each value in JSON

    def is_modified(self) -> bool:
        return self.touched is None or self.src_uri in self.touched

    def forget_content(self) -> None:
        """Drop what MkDocs rendered (the page's HTML), which a kept file need not hold."""
        if self.page is not None:
            self.page.markdown = self.page.content = None
            self.page.toc = []  # type: ignore[assignment]


class FrontMatterPage(Page):
    """The page of a generated file outside the navigation: its Markdown is front matter only
    and its HTML is made by gongkai's templates as it is written, so MkDocs' conversion of the
    (empty) Markdown is skipped. It made a Markdown converter with every extension for each
    page, twice for a page the child builds: a tenth of the build's own process at 1,000
    project-years. What the conversion gives for no text is set instead."""

    def read_source(self, config: MkDocsConfig) -> None:
        """A generated page's front matter read with json, line by line, not by PyYAML's
        pure-Python parser (1.3 s of CPU at 5,000 project-years). JSON is a subset of YAML:
        the same data either way (test)."""
        if not getattr(self.file, "json_front", False):
            super().read_source(config)
            return
        source = config.plugins.on_page_read_source(page=self, config=config)
        read = json_front_matter(self.file.content_string) if source is None else None
        if read is None:  # a plugin's text, or not as written: read as MkDocs reads it
            read = meta.get_data(self.file.content_string if source is None else source)
        self.markdown, self.meta = read

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None or self.markdown.strip():  # not front matter only after all
            super().render(config, files)
            return
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


def json_front_matter(text: str) -> tuple[str, dict[str, Any]] | None:
    """The Markdown and data of a text that opens with front matter of one ``name: value`` a
    line, each value in JSON (as the hooks write it); None for any other text.

    >>> json_front_matter('---\\ntitle: "甲"\\ngk_trail: [["首页", ""]]\\n---\\n正文')
    ('正文', {'title': '甲', 'gk_trail': [['首页', '']]})
    """
    lines = text.split("\n")
    if not lines or lines[0] != "---" or "---" not in lines[1:]:
        return None
    end = lines.index("---", 1)
    data: dict[str, Any] = {}
    try:
        for line in lines[1:end]:
            name, colon, value = line.partition(": ")
            if not colon:
                return None
            data[name] = json.loads(value)
    except ValueError:
        return None
    return "\n".join(lines[end + 1 :]), data


# Site folder → (what the files were made for, source URI → file) of the session's last build.
_KEPT: dict[Path, tuple[tuple[object, ...], dict[str, GeneratedPage]]] = {}


def kept_pages(config: MkDocsConfig, everything: bool) -> dict[str, GeneratedPage]:
    """The generated files of this site folder's last build in the session, to be reused for
    the pages a change does not touch, and to keep this build's new ones in. Empty when the
    build redoes everything or MkDocs' settings for pages differ."""
    made_for = (
        config.use_directory_urls,
        config.site_url,
        config.site_dir,
        config.docs_dir,
        config.repo_url,
        config.edit_uri,
    )
    site_dir = Path(config.site_dir).resolve()
    known = _KEPT.get(site_dir)
    if everything or known is None or known[0] != made_for:
        known = _KEPT[site_dir] = (made_for, {})
    return known[1]
