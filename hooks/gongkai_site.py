"""MkDocs hooks: thin adapters from MkDocs events to the ``gongkai`` package.

on_config  read and validate data/ (before MkDocs cleans site/), set the navigation
on_files   add one virtual page per planned page
on_page_content  render the page from its jinja2 template, and its table of contents
on_serve   rebuild when data/ or the templates change
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

import gongkai
from gongkai.catalog import Catalog, load_catalog
from gongkai.errors import DataErrors
from gongkai.pages import SitePage, navigation, page_url, plan, relative_url
from gongkai.render import Renderer, headings

_state: dict[str, Any] = {}


def _data_dir(config: MkDocsConfig) -> Path:
    options = config.extra.get("gongkai", {}) or {}
    return Path(config.config_file_path).parent / options.get("data_dir", "data")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # Validate every data file first: an error stops the build before site/ is touched.
    data_dir = _data_dir(config)
    try:
        catalog = load_catalog(data_dir)
    except DataErrors as errors:
        raise PluginError("\n" + errors.report()) from None
    pages = plan(catalog)
    _state.update(
        catalog=catalog,
        pages={p.src_uri: p for p in pages},
        renderer=Renderer(catalog, config.site_name),
    )
    # The site's own Markdown pages (mkdocs.yml nav) follow the generated part of the navigation.
    config.nav = navigation(catalog, config.nav or [])
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Each generated page is a virtual Markdown file holding only its front matter. The theme
    # prints title and description unescaped (<title>, <meta content="…">): escape them here.
    for uri, site_page in _state["pages"].items():
        front_matter = f"---\ntitle: {_yaml_text(site_page.title)}\n"
        if site_page.description:
            front_matter += f"description: {_yaml_text(site_page.description)}\n"
        # Project pages stay out of the navigation on purpose (see gongkai.pages).
        inclusion = InclusionLevel.INCLUDED if site_page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(
            File.generated(config, uri, content=front_matter + "---\n", inclusion=inclusion)
        )
    return files


def _yaml_text(text: str) -> str:
    """HTML-escaped text as a YAML string (JSON is a subset of YAML)."""
    return json.dumps(html.escape(text), ensure_ascii=False)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    site_page: SitePage | None = _state["pages"].get(page.file.src_uri)
    if site_page is None:
        return html
    here = page_url(page.file.src_uri, config.use_directory_urls)

    def link(src_uri: str) -> str:
        return relative_url(here, page_url(src_uri, config.use_directory_urls))

    rendered = _state["renderer"].render(site_page, link)
    page.toc = get_toc(_toc_tokens(rendered))
    return rendered


def _toc_tokens(html: str) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = []
    for heading in headings(html):
        token = {"level": heading.level, "id": heading.id, "name": heading.title, "children": []}
        if heading.level == 3 and tokens:
            tokens[-1]["children"].append(token)
        else:
            tokens.append(token)
    return tokens


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    server.watch(str(_data_dir(config)))
    server.watch(str(Path(gongkai.__file__).parent / "templates"))
    return server


def catalog() -> Catalog:
    """The catalog of the current build (for other hooks)."""
    return _state["catalog"]
