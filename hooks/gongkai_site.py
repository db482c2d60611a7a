"""MkDocs hooks: thin adapters from MkDocs events to the ``gongkai`` package.

on_startup note whether this is `gongkai serve` (an incremental, dirty serve)
on_config  start the full-text index's child (before the data is read); read and check data/
           and its publication records (before MkDocs cleans site/), set the navigation, put
           gongkai's theme templates before Material's, and work out what changed since the
           session's last build
on_pre_build  empty the folder when an incremental build must redo everything
on_files   add one virtual page per planned page (marked modified only if the change touches
           it); plan the pages shared with a child on the second core, which first writes the
           downloads and the feed (a serve session writes them in a child of their own)
on_nav     start the child that shares the pages
on_page_content  hand a Markdown page's text to the full-text index; a generated page waits
on_page_context  claim a shared page (or leave it to the child); render a generated page from
           its jinja2 template as it is written, its table of contents, and hand its text to
           the full-text index
on_post_page     let a written generated page's HTML go
on_post_build    write the original attachments; wait for the shared pages, the downloads (with
                 the Atom feed) and the full-text index
on_build_error   stop the children of a failed build
on_serve   rebuild when data/, the templates or the theme change, told by the system at once
"""

from __future__ import annotations

import html
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from gongkai import memory
from gongkai.commands.building import HOLDS_PROJECT, holds_project
from gongkai.dependencies import Change, Snapshot, touched_bundles, touched_pages
from gongkai.model import slug as names
from gongkai.model.errors import DataErrors
from gongkai.outputs.assets import compress_assets, fingerprinted, needs_fingerprint
from gongkai.outputs.background import Background, BackgroundError, second_core
from gongkai.outputs.feed import FEED_FILE, atom_feed
from gongkai.outputs.fulltext import (
    IndexWriter,
    PageText,
    index_order,
    page_text,
    write_fulltext,
)
from gongkai.outputs.kept import CACHE_FOLDER, KeptBundles
from gongkai.outputs.listing import write_lists
from gongkai.outputs.opendata import write_downloads
from gongkai.outputs.originals import copy_attachments
from gongkai.outputs.search import READINGS_MEMO, describe, empty_material_index
from gongkai.pages import SitePage, headings, navigation, page_year, placed
from gongkai.render.builders import archive_line, archive_pages, plan, versions
from gongkai.render.environment import TEMPLATES, THEME, quick_listing, theme_environment
from gongkai.render.generated import FrontMatterPage, GeneratedPage, kept_pages
from gongkai.render.pageshare import CLAIMED, ELSEWHERE, PageShare
from gongkai.render.renderer import Renderer
from gongkai.settings import Settings, SettingsError, load_settings
from gongkai.site import Site, load_site


@dataclass
class _Build:
    """What one build carries from on_config to the later events."""

    site: Site
    pages: dict[str, SitePage]
    renderer: Renderer
    change: Change  # from the previous build of a `gongkai serve` session, or everything
    snapshot: Snapshot | None  # taken only in a `gongkai serve` session
    site_dir: Path
    outputs: Background | None = None
    carried: set[str] | None = None  # bundles a cancelled writer of the last build left
    texts: dict[str, PageText] = field(default_factory=dict)  # page URL → its searchable text
    index: IndexWriter | None = None  # a full build's index, built as the pages are rendered
    share: PageShare | None = None  # the pages a child builds on the second core
    kept: dict[str, GeneratedPage] = field(default_factory=dict)  # a serve session's files

    def shared(self, src_uri: str) -> bool:
        """Whether the page goes to whichever process comes to it first (see PageShare)."""
        return self.share is not None and self.share.shared(src_uri)

    def keep_text(self, text: PageText) -> None:
        if self.index is not None:
            self.index.add(text)
        else:
            self.texts[text.url] = text


_build: _Build | None = None  # MkDocs hooks are a module: the current build lives here


def _current() -> _Build:
    assert _build is not None, "on_config has not run"
    return _build


def _settings(config: MkDocsConfig) -> Settings:
    return load_settings(
        config.extra.get("gongkai"),
        Path(config.config_file_path).parent,
        site_name=config.site_name,
        site_url=config.site_url or "",
        config_name=Path(config.config_file_path).name,
    )


def on_startup(command: str, dirty: bool) -> None:
    # `gongkai serve` is `mkdocs serve --dirty`: from then on, builds write only what changed.
    memory.incremental = command == "serve" and dirty
    memory.serving = command == "serve"


def on_shutdown() -> None:
    # The end of a serve session: the last build's writers stop before MkDocs removes its
    # folder; they went on writing into it as it was removed ("Directory not empty").
    memory.session = None
    memory.take_over()


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # A session's previous build may still be writing its downloads: this build takes over.
    memory.busy()
    memory.collect_less()
    carried = memory.take_over()
    index = _index_writer(config)
    try:
        return _configured(config, carried, index)
    except BaseException:
        if index is not None:
            index.cancel()
        raise


def _index_writer(config: MkDocsConfig) -> IndexWriter | None:
    """A full build's full-text index, its child forked before the data is read: the child
    holds only the page texts it is sent, and one forked from a build holding the data copies
    much of that memory as it allocates its own (at 10,000 project-years, measured by PSS)."""
    if memory.incremental:  # a serve session keeps every page's text between builds
        return None
    try:
        settings = _settings(config)
    except SettingsError:
        return None  # said when the data is read, next
    if settings.version_folder:
        return None
    memo = settings.root / READINGS_MEMO
    # The child loads jieba and pypinyin for the pages' names anyway: where no name is known
    # yet it reads the data's names too, and no other child loads them again.
    names.stop_reading()  # a failed build's, in a process that builds again (tests)
    names.recall(settings.root)
    index = IndexWriter(Path(config.site_dir), memo, first=names.reading_for_a_child())
    names.child_forked(started=index.process is not None)
    return index


def _configured(
    config: MkDocsConfig, carried: set[str] | None, index: IndexWriter | None
) -> MkDocsConfig:
    # Check every data file and record first: an error stops the build before site/ is touched.
    # In a serve session the browser must not wait for a build that never comes: the last good
    # site is built again and every page shows the errors above it.
    try:
        settings = _settings(config)
        # MkDocs empties the site folder after this event: never the data and its records.
        # Refused before the data is read (reading keeps what it parsed for the next build).
        if holds_project(Path(config.site_dir), Path(config.config_file_path), settings.data_path):
            raise PluginError(f"{Path(config.site_dir).resolve()} {HOLDS_PROJECT}")
        site = load_site(settings, parse_beside=second_core())
        memory.build_error = None
    except (DataErrors, SettingsError) as errors:
        report = errors.report() if isinstance(errors, DataErrors) else str(errors)
        if not memory.serving or memory.last_good is None:
            raise PluginError("\n" + report) from None
        print(report, file=sys.stderr)
        site, memory.build_error = memory.last_good, report
    if memory.serving:
        config.extra["gk_status"] = memory.STATUS_FILE
    if site.settings.offline:
        # For a folder opened from disk (file://): links must name index.html themselves.
        config.use_directory_urls = False
    global _build
    with_audit = site.settings.audit_page
    pages = plan(site.catalog, with_audit)
    folder = site.settings.version_folder
    if folder:  # an archived version's own pages: the years' pages are stored apart
        pages = [p.placed(folder) for p in pages if page_year(p.src_uri) is None]
    if site.settings.until_year is not None:
        listed = versions(site)  # the archive's manifests, read once per build
        pages += archive_pages(site, listed)
        config.extra["gk_archive"] = archive_line(site, listed)
        config.extra["homepage"] = folder  # Material's title link: this version's home
    site_dir = Path(config.site_dir)
    change, snapshot = memory.change(site, Path(config.docs_dir), site_dir)
    if memory.same_sitemap(site_dir, change):
        config.theme.static_templates.discard("sitemap.xml")  # the one on disk is this one
    _build = _Build(
        site=site,
        pages={p.src_uri: p for p in pages},
        renderer=Renderer(
            site,
            config.site_name,
            config.use_directory_urls,
            config.site_url or "",
            place=lambda uri: placed(uri, folder),
        ),
        change=change,
        snapshot=snapshot,
        site_dir=site_dir,
        carried=carried,
        texts=memory.texts(site_dir, change.everything),
        index=index,
    )
    # The site's own Markdown pages (mkdocs.yml nav) follow the generated part of the navigation.
    config.nav = navigation(
        site.catalog, config.nav or [], with_audit, place=lambda uri: placed(uri, folder)
    )
    if str(THEME) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(THEME))
    quick_listing(config.theme)
    memory.freeze_loaded()
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    # Each generated page is a virtual Markdown file holding only its front matter. The theme
    # prints title and description unescaped (<title>, <meta content="…">): escape them here.
    build = _current()
    touched = touched_pages(build.site, build.change)
    kept: dict[str, GeneratedPage] = {}  # a full build keeps none
    if memory.incremental:  # a serve session reuses the files of pages its change leaves
        kept = build.kept = kept_pages(config, build.change.everything)
    for uri, site_page in build.pages.items():
        known = kept.get(uri) if touched is not None and uri not in touched else None
        if known is not None:
            known.touched = touched
            files.append(known)
            continue
        front_matter = _front_matter(site_page, config)
        # Project pages stay out of the navigation on purpose (see gongkai.pages).
        inclusion = InclusionLevel.INCLUDED if site_page.in_nav else InclusionLevel.NOT_IN_NAV
        page = GeneratedPage.generated(config, uri, content=front_matter, inclusion=inclusion)
        page.json_front = True
        page.touched = touched
        if not site_page.in_nav:  # MkDocs makes a plain Page for the pages in its navigation
            FrontMatterPage(None, page, config)
        files.append(page)
        kept[uri] = page
    folder = build.site.settings.version_folder
    if folder:  # the site's own Markdown pages belong to the version too
        for file in files:
            if file.is_documentation_page() and not isinstance(file, GeneratedPage):
                file.dest_uri = folder + file.dest_uri
                for cached in ("url", "abs_dest_path"):
                    file.__dict__.pop(cached, None)
    _fingerprint(files, config, build.renderer)
    # The downloads do not depend on the pages (site/ has been emptied by now; no page is
    # written under xiazai/): a full build's child that shares the pages writes them before it
    # claims any (one more child would copy the data again); a serve session's are written by
    # a child of their own, and the page is shown without waiting.
    downloads, bundles = _outputs(build, config)
    if not (memory.serving or memory.incremental):  # a preview rewrites few pages
        candidates = (uri for uri, page in build.pages.items() if not page.in_nav)
        sent = build.index.sent if build.index is not None else None
        # The feed waits for the child's pages: nobody waits for it, and it is written while
        # the index child writes the index's last files after the last page.
        then, feed = (None, None) if downloads is None else downloads
        build.share = PageShare(candidates, then, pages_sent=sent, last=feed)
        if build.share.order:
            return files
    if downloads is not None:
        build.outputs = Background(partial(_in_turn, downloads))
        if memory.incremental:
            memory.pending, memory.pending_bundles = build.outputs, bundles
    return files


def _outputs(
    build: _Build, config: MkDocsConfig
) -> tuple[tuple[Callable[[], None], Callable[[], None]] | None, set[str] | None]:
    """Writing the downloads and the lists' data, then the feed, and the download bundles
    written (``None``: all); no writing when there is nothing to write: a version's own pages
    link to the downloads the archive keeps once, and a serve session's build may change none."""
    site_dir, site = build.site_dir, build.site
    if site.settings.version_folder:
        return None, None
    only = touched_bundles(site, build.change)
    if only is not None:
        only = None if build.carried is None else only | build.carried
    if only is not None and not only:
        return None, only

    def downloads() -> None:
        kept = KeptBundles(site.settings.root / CACHE_FOLDER)
        write_downloads(site.catalog, site_dir, site.today, config.site_name, only, kept)
        write_lists(site, site_dir, only)

    # The feed too, off the pages' core: it lists every event of every report (1 s at
    # 10,000 project-years), and a serve session's page need not wait for it. Its name is
    # read here, where the names are: a child reading it loaded jieba and pypinyin (0.7 s).
    site_slug = names.slugify(config.site_name)
    return (downloads, lambda: _write_feed(site, config, site_slug)), only


def _in_turn(works: Iterable[Callable[[], None]]) -> None:
    for work in works:
        work()


def _fingerprint(files: Files, config: MkDocsConfig, renderer: Renderer) -> None:
    """The site's own style sheet, scripts and icon under names carrying their digest, so that a
    returning reader's browser keeps them without asking (see gongkai.outputs.assets)."""
    names: dict[str, str] = {}
    for file in files:
        if needs_fingerprint(file.src_uri):
            names[file.src_uri] = fingerprinted(file.src_uri, file.content_bytes)
            file.dest_uri = names[file.src_uri]
            for cached in ("url", "abs_dest_path"):  # worked out from dest_uri
                file.__dict__.pop(cached, None)
    config.extra_css = [names.get(path, path) for path in config.extra_css]
    for number, script in enumerate(config.extra_javascript):
        if isinstance(script, str):
            config.extra_javascript[number] = names.get(script, script)
        else:  # mkdocs' ExtraScriptValue (a script with attributes)
            script.path = names.get(script.path, script.path)
    favicon = config.theme["favicon"]
    config.theme["favicon"] = names.get(favicon, favicon)
    renderer.assets = names


def on_pre_build(config: MkDocsConfig) -> None:
    # An incremental build that must redo everything starts from an empty folder, so that no
    # page of a removed report is left behind.
    if memory.incremental and _current().change.everything:
        memory.empty(_current().site_dir)


def _front_matter(site_page: SitePage, config: MkDocsConfig) -> str:
    """A generated page's front matter: one ``name: value`` a line, each value in JSON (a
    subset of YAML, read with json by ``FrontMatterPage``)."""
    # The theme prints title and description unescaped (<title>, <meta content="…">).
    values: dict[str, Any] = {"title": html.escape(site_page.title)}
    # Material's search index is left out (search: exclude): the site ships its own,
    # and segmenting every page with jieba for an index nobody loads was half the build.
    values["search"] = {"exclude": True}
    if site_page.description:
        values["description"] = html.escape(site_page.description)
    # 当前位置 for the theme, which makes each address relative and escapes each label;
    # 发布日期/更新日期 and the GB/T 42147 metadata, which the theme escapes.
    values["gk_trail"] = site_page.breadcrumb(config.use_directory_urls)
    values["gk_dates"] = site_page.dateline()
    if site_page.undated:
        values["gk_undated"] = site_page.undated
    values["gk_meta"] = site_page.meta(config.site_name)
    text = "".join(
        f"{name}: {json.dumps(value, ensure_ascii=False)}\n" for name, value in values.items()
    )
    return f"---\n{text}---\n"


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    build = _current()
    if build.index is not None:  # which pages will come, so that each is written as it comes
        pages = files.documentation_pages(inclusion=InclusionLevel.is_included)
        build.index.expect([_order(file, build.pages.get(file.src_uri)) for file in pages])
    if build.share is not None:
        build.share.start(config, files, nav)
    return nav


def _order(file: File, site_page: SitePage | None) -> tuple[int, int, str]:
    url = "" if file.url in (".", "./") else file.url  # the page's URL, as MkDocs' Page.url
    return index_order(url, site_page)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _current()
    if build.shared(page.file.src_uri):  # its layout is chosen when it is claimed
        page.meta["gk_layout"] = page.meta.get("template", "main.html")
        page.meta["template"] = CLAIMED
    site_page: SitePage | None = build.pages.get(page.file.src_uri)
    if site_page is None:  # the site's own Markdown pages are searchable too
        build.keep_text(page_text(page.url, page.title or "", html))
        # Material's own index is written empty (the site searches with its own): indexing a
        # page there would load jieba's dictionary, 1.7 s of every build.
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        return html
    # A generated page is rendered when it is written (on_page_context), not now: MkDocs reads
    # every page before it writes any, and would hold every page's HTML at once (at 10,000
    # project-years, half the pages' HTML in the build's process, the other half in the child).
    return ""


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
) -> dict[str, Any]:
    build = _current()
    site_page = build.pages.get(page.file.src_uri)
    if build.share is not None and build.shared(page.file.src_uri):
        mine = build.share.in_child or build.share.claim(page.file.src_uri)
        # The child writes a page it took: MkDocs writes nothing for an empty one.
        context["gk_layout"] = page.meta["gk_layout"] if mine else ELSEWHERE
        if not mine:
            return context
    if site_page is None:
        return context
    rendered = build.renderer.render(site_page)
    page.content = rendered
    page.toc = get_toc(_toc_tokens(rendered))
    shown = {"title": site_page.title, **describe(site_page)}
    build.keep_text(page_text(page.url, body_html=rendered, **shown))
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri in _current().pages:
        page.content = None  # written: its HTML is not needed again
    return output


def _toc_tokens(html: str) -> list[dict[str, Any]]:
    tokens: list[dict[str, Any]] = []
    for heading in headings(html):
        token = {"level": heading.level, "id": heading.id, "name": heading.title, "children": []}
        if heading.level == 3 and tokens:
            tokens[-1]["children"].append(token)
        else:
            tokens.append(token)
    return tokens


def on_post_build(config: MkDocsConfig) -> None:
    try:
        _post_build()
    finally:
        memory.thaw()


def _post_build() -> None:
    # The feed and the downloads are files beside the pages, written from the same data.
    site, share, site_dir = _current().site, _current().share, _current().site_dir
    index = _current().index
    if index is not None:  # written as soon as the page child has sent its last page too
        index.finish(others=1 if share is not None and share.started else 0)
    if share is not None:
        _waited(lambda: share.wait(index.process if index is not None else None))
    # What the pages' names read as, for the next build (see gongkai.model.slug).
    names.remember(site.settings.root)
    if site.settings.version_folder:
        return  # feed, originals and search index: the archive keeps the newest version's
    copy_attachments(site.catalog, site_dir)
    outputs = _current().outputs
    if outputs is not None and not memory.incremental:
        _waited(outputs.wait)
    empty_material_index(site_dir)
    compress_assets(site_dir)
    # The full-text index: a full build's has been built on another core as the pages came;
    # a serve session's, from this build's pages and the earlier builds' pages that this one
    # did not rewrite, is written behind the page the clerk is waiting for.
    if index is not None:
        _waited(index.wait)
    else:
        texts = list(_current().texts.values())
        memory.pending_index = Background(lambda: write_fulltext(texts, site_dir))
    for file in _current().kept.values():  # kept for the next build, without their HTML
        if file.is_modified():  # rendered in this build (the others hold none already)
            file.forget_content()
    if memory.serving:
        status = site_dir / memory.STATUS_FILE
        status.parent.mkdir(parents=True, exist_ok=True)
        status.write_text(memory.status_script(memory.build_error), encoding="utf-8")
        if memory.build_error is None:
            memory.last_good = site
        memory.collect_when_idle()
    memory.finished(site_dir, _current().snapshot)


def _waited(step: Callable[[], None]) -> None:
    """Wait for a child's work; a failed child fails the build with its plain message."""
    try:
        step()
    except BackgroundError as error:
        raise PluginError(str(error)) from None


def on_build_error(error: Exception) -> None:
    memory.thaw()
    build = _build
    if build is None:
        return
    memory.failed(build.site_dir)
    build.kept.clear()  # the next build makes every page's file anew
    for child in (build.share, build.index, build.outputs):
        if child is not None:
            child.cancel()


def _write_feed(site: Site, config: MkDocsConfig, site_slug: str) -> None:
    feed = atom_feed(site, config.site_name, config.site_url or "", site_slug)
    (Path(config.site_dir) / FEED_FILE).write_bytes(feed)


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    # MkDocs makes the theme's environment anew for every build: keep its compiled templates
    # for the next build of a serve session (see gongkai.render.environment.CompiledTemplates),
    # and give gongkai's theme overrides what they use.
    return theme_environment(env)


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    try:
        data_path = _settings(config).data_path
    except SettingsError as error:
        raise PluginError("\n" + str(error)) from None
    server.watch(str(data_path))
    server.watch(str(TEMPLATES))
    server.watch(str(THEME))
    # Read here, not with the hooks: watchdog's system watcher (with ctypes) is 20 ms of every
    # build's start, and only a preview uses it.
    from gongkai.watching import notify_at_once

    notify_at_once(server)  # a saved file is seen at once, not at the next half-second look
    memory.session = server  # Ctrl+C and SIGTERM now end it between builds (memory.end_session)
    return server
