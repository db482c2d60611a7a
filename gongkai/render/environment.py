"""The one jinja2 environment factory (模板环境), with the filters the templates use.

HTML pages get autoescaping, so every value from the data is escaped; the YAML skeleton that
``gongkai new`` writes is plain text.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import ChainMap
from collections.abc import Callable, Iterator, KeysView, MutableMapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from gongkai.checks.targets import stated_target
from gongkai.files import caching
from gongkai.model import money
from gongkai.model.dates import PartialDate

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"  # page bodies and the data-file skeleton
THEME = HERE / "theme"  # overrides of Material's templates, put before Material's own


def paragraphs(text: str | None) -> Markup:
    """Text as paragraphs: a blank line separates paragraphs, a line break stays a break.

    >>> paragraphs("一<b>\\n二\\n\\n三")
    Markup('<p>一&lt;b&gt;<br>二</p><p>三</p>')
    """
    if text is None:
        return Markup('<p class="gk-missing">报告未写明这一部分。</p>')
    blocks = [b.strip("\n") for b in re.split(r"\n\s*\n", text.strip("\n")) if b.strip()]
    # Joined as plain text of escaped lines: Markup.format is Python's formatter, line by line
    # (a twentieth of the time of a report page).
    return Markup(
        "".join(
            "<p>" + "<br>".join([escape(line) for line in block.split("\n")]) + "</p>"
            for block in blocks
        )
    )


# Table cells of amounts, rates and changes (金额单元格): the most used pieces of a page (a
# report's trend table has some thirty), made in Python rather than as template macros, whose
# every call makes a frame and a context (a third of the time of the trend table).
_MISSING_CELL = '<td class="gk-num gk-missing">{}</td>'


def amount_cell(value: Decimal | None, absent: str = "报告未写明") -> Markup:
    """An amount in 万元, exact in 元 on hover; ``absent`` where there is none.

    >>> amount_cell(Decimal(80000)), amount_cell(None, "无")
    (Markup('<td class="gk-num"><data value="80000" title="80,000 元">8.00</data></td>'), \
Markup('<td class="gk-num gk-missing">无</td>'))
    """
    if value is None:
        return Markup(_MISSING_CELL.format(escape(absent)))
    return Markup(
        f'<td class="gk-num"><data value="{escape(value)}" title="{escape(money.yuan(value))} 元">'
        f"{escape(money.wan(value))}</data></td>"
    )


def rate_cell(
    value: Decimal | None, adjusted: Decimal | None = None, executed: Decimal | None = None
) -> Markup:
    """A rate, or why there is none: the amount that is missing, or a budget of zero."""
    if value is not None:
        return Markup(f'<td class="gk-num">{escape(money.percent(value))}</td>')
    why = "无执行数" if executed is None else "无预算数" if adjusted is None else "预算为零"
    return Markup(_MISSING_CELL.format(why))


def change_cell(value: Decimal | None) -> Markup:
    """A change as a signed percentage, or that there is nothing to compare with."""
    if value is None:
        return Markup(_MISSING_CELL.format("无从比较"))
    return Markup(f'<td class="gk-num">{escape(money.percent(value, signed=True))}</td>')


def change_both_cell(amount: Decimal | None, fraction: Decimal | None) -> Markup:
    """A change in 万元 and, where there is one, as a signed percentage below it."""
    if amount is None:
        return Markup(_MISSING_CELL.format("无从比较"))
    below = "" if fraction is None else f"<br>{escape(money.percent(fraction, signed=True))}"
    return Markup(f'<td class="gk-num">{escape(money.change_amount(amount))}{below}</td>')


_ISO_DATE = re.compile(r"\d{4}-\d{1,2}(-\d{1,2})?")


def chinese_date(value: PartialDate | dt.date) -> str:
    """The one public date style: ``2023年3月5日``, or ``2023年3月`` where only the month is known.

    >>> chinese_date(dt.date(2023, 3, 5)), chinese_date(PartialDate(2023, 3))
    ('2023年3月5日', '2023年3月')
    """
    return PartialDate.parse(value).chinese()


def css_string(text: str) -> Markup:
    """Text as a quoted CSS string for a ``<style>`` block: every character that could end the
    string, the rule or the element is written as a hex escape.

    >>> css_string('a"}')
    Markup('"a\\\\000022\\\\00007d"')
    """
    safe = "".join(
        ch if ch.isalnum() or (ord(ch) > 127 and ch.isprintable()) else f"\\{ord(ch):06x}"
        for ch in text
    )
    return Markup(f'"{safe}"')


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once (模板编译缓存): per process, and with ``folder``, across processes.

    Every build of a ``gongkai serve`` session makes new jinja2 environments — MkDocs' for the
    theme, ours for the page bodies — and each compiled every template again: half the time
    from a saved edit to the page at 1,000 project-years. Each ``gongkai build`` is a new
    process, which compiled them all again (about 2 s of CPU, in the build and in the child
    building a share of the pages); with a folder, a compiled template is kept on disk for the
    next process. jinja2 keys an entry by template and file and checks the source's checksum
    and the Python and jinja2 versions, so an edited template is compiled again and a damaged
    entry is ignored. One cache per kind of environment, since the compiled code holds the
    environment's options (autoescaping, whitespace) and not only the source.
    """

    def __init__(self, kind: str | None = None) -> None:
        self._code: dict[str, bytes] = {}
        self.kind = kind  # with a kind, also kept in the user's cache folder for that kind
        self._folder: Path | None = None
        self._looked = kind is None

    @property
    def folder(self) -> Path | None:
        if not self._looked:  # found on first use, not on import
            self._folder, self._looked = cache_folder(str(self.kind)), True
        return self._folder

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        folder = self.folder
        if code is None and folder is not None:
            try:
                code = (folder / bucket.key).read_bytes()
            except OSError:
                return
        if code is not None:
            try:
                bucket.bytecode_from_string(code)
            except Exception:  # a damaged entry (a full disk, a crash mid-write): compile anew
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code[bucket.key] = bucket.bytecode_to_string()
        folder = self.folder
        if folder is None:
            return
        spare = folder / f".{bucket.key}.{os.getpid()}"
        try:  # written whole or not at all: another build may read it at the same time
            spare.write_bytes(code)
            os.replace(spare, folder / bucket.key)
        except OSError:
            spare.unlink(missing_ok=True)


def cache_folder(kind: str) -> Path | None:
    """The user's own folder for compiled templates of one kind, or None where there is none
    to be had safely (no home, read-only, or a folder others could write into: compiled code is
    run as it is loaded)."""
    if not caching():
        return None
    try:
        if os.name == "nt":
            base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        else:
            base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "gongkai" / "templates" / kind
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name != "nt":
            for part in (folder, folder.parent, folder.parent.parent):
                status = part.stat()
                if status.st_uid != os.getuid() or status.st_mode & 0o022:
                    return None
        return folder
    except (OSError, RuntimeError):  # RuntimeError: no home folder to be found
        return None


COMPILED = {kind: CompiledTemplates(kind) for kind in ("html", "text", "theme")}


class _Globals(ChainMap[str, Any]):
    """A template's globals whose ``keys()`` are a dict's: at every ``{% import %}`` jinja2
    takes the importing render's globals less the imported template's, and with a ChainMap's
    keys that difference is worked out in Python, name by name (a report page imports the
    shared macros a dozen times: a ninth of the time of its templates)."""

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        merged: dict[str, Any] = {}
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return merged.keys()


class _Environment(jinja2.Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)


def environment(html: bool = True) -> jinja2.Environment:
    """The environment for ``templates/``: for HTML pages (escaped), or for plain text."""
    env = _Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=html,
        lstrip_blocks=html,
        keep_trailing_newline=not html,
        bytecode_cache=COMPILED["html" if html else "text"],
        auto_reload=False,  # one environment a build (see theme_environment)
    )
    env.tests["iso_date"] = lambda v: isinstance(v, str) and bool(_ISO_DATE.fullmatch(v))
    env.filters.update(
        partial_date=PartialDate.parse,
        wan=money.wan,
        wan_exact=money.wan_exact,
        yuan=money.yuan,
        percent=money.percent,
        signed=lambda v: money.percent(v, signed=True),
        change_wan=money.change_amount,
        paragraphs=paragraphs,
        score=lambda v: "" if v is None else money.fraction_text(v),
        css_string=css_string,
        chinese=chinese_date,
        stated_target=stated_target,
    )
    env.globals.update(
        amount_cell=amount_cell,
        rate_cell=rate_cell,
        change_cell=change_cell,
        change_both_cell=change_both_cell,
    )
    return env


class QuickListing(jinja2.FileSystemLoader):
    """The theme's templates, listed without walking hidden folders: MkDocs lists every theme
    file at each build to copy the static ones, and Material keeps 14,000 icons under
    ``.icons``, which it then leaves out by name (a fifth of a second of each rebuild in a
    serve session). Loading a template by name is unchanged."""

    def list_templates(self) -> list[str]:
        found: set[str] = set()
        for searchpath in self.searchpath:
            for folder, subfolders, names in os.walk(searchpath, followlinks=self.followlinks):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
                relative = Path(folder).relative_to(searchpath).as_posix()
                prefix = "" if relative == "." else relative + "/"
                found.update(prefix + name for name in names)
        return sorted(found)


def quick_listing(theme: Any) -> None:
    """Make MkDocs' ``Theme.get_env`` use ``QuickListing`` (set once per build, in on_config)."""
    get_env = type(theme).get_env

    def quick_env() -> jinja2.Environment:
        env = get_env(theme)
        assert isinstance(env.loader, jinja2.FileSystemLoader)
        env.loader = QuickListing(env.loader.searchpath)
        return env

    theme.get_env = quick_env


def theme_environment(env: jinja2.Environment) -> jinja2.Environment:
    """MkDocs' environment for Material's templates, made ready for gongkai's theme overrides.

    - Material's own templates are also reachable as ``material/…``, so that an override can
      wrap the template it replaces.
    - ``gk_nav_key`` and ``gk_navs``: the site navigation of a page outside it is the same for
      every such page in the same folder (its links are relative to the folder, and none of its
      items is the current page), so ``partials/nav.html`` renders it once per folder and build;
      it was a tenth of the time of a page's frame.
    - Templates are not looked at again on disk during the build (``auto_reload``).
    - ``gk_words``: Material's interface words (``lang.t``), looked up once per build rather
      than by building the language's table of 300 words again at each of a page's 20 calls.
    - ``gk_toc``: Material's table of contents, rendered once for each list of headings.
    - ``gk_same`` and ``gk_header``: the parts of Material's frame that link only to the site's
      shared files (style sheets, scripts, the home page) and show nothing of the page, or only
      its title (the header), are rendered once per build for the pages that reach the site's
      root the same way (``base_url``) from the same top folder, and reused (a twelfth of the
      time of a page's frame: see ``main.html``).
    """
    env.bytecode_cache = COMPILED["theme"]
    # MkDocs makes this environment for one build, and a template saved during a serve session
    # starts another: jinja2 need not look at each template file's time again whenever a page
    # includes it (10,000 looks, 1.4 s under the profiler, at 1,000 project-years).
    env.auto_reload = False
    assert isinstance(env.loader, jinja2.FileSystemLoader)  # MkDocs' Theme.get_env
    # Material's folder among the theme's: the one with its interface words.
    material = next(
        folder
        for folder in env.loader.searchpath
        if (Path(folder) / "partials" / "languages").is_dir()
    )
    env.loader = jinja2.ChoiceLoader(
        [env.loader, jinja2.PrefixLoader({"material": jinja2.FileSystemLoader(material)})]
    )
    words: dict[tuple[str, str], str] = {}

    def gk_words(language: str, key: str, table: object, fallback: object) -> str:
        found = words.get((language, key))
        if found is None:
            found = words[(language, key)] = table.t(key) or fallback.t(key) or key  # type: ignore[attr-defined]
        return found

    targets: dict[int, list[str]] = {}  # navigation → every address it links to

    def gk_nav_key(page: object, nav: object) -> str | None:
        if id(nav) not in targets:
            targets[id(nav)] = list(_addresses(getattr(nav, "items", [])))
        return _nav_key(page, targets[id(nav)])

    made: dict[tuple[object, ...], str] = {}  # a part of the frame, by what it shows

    def once(key: tuple[object, ...], render: Callable[[], str]) -> str:
        found = made.get(key)
        if found is None:
            found = made[key] = str(render())
        return found

    @jinja2.pass_context
    def gk_same(context: jinja2.runtime.Context, part: str, render: Callable[[], str]) -> str:
        return once((part, *_reach(context)), render)

    headers: dict[tuple[str, str], tuple[str, str] | None] = {}

    @jinja2.pass_context
    def gk_header(context: jinja2.runtime.Context, render: Callable[[], str], topic: str) -> str:
        # The header shows the page's title once, as it is, after the marked topic: the rest of
        # the first such header rendered is kept around it. Not found once there, not kept.
        key = _reach(context)
        if key in headers:
            around = headers[key]
            if around is not None:
                return around[0] + topic + around[1]
            return str(render())
        text = str(render())
        after = text.find('data-md-component="header-topic"')
        split = text.find(topic, after) if after >= 0 and topic else -1
        once = split >= 0 and text.count(topic, after) == 1
        headers[key] = (text[:split], text[split + len(topic) :]) if once else None
        return text

    def gk_toc(toc: object, render: Callable[[], str]) -> str:
        return once(("toc", _headings(toc)), render)

    env.globals.update(
        gk_nav_key=gk_nav_key,
        gk_navs={},
        gk_words=gk_words,
        gk_same=gk_same,
        gk_header=gk_header,
        gk_toc=gk_toc,
    )
    return env


def _headings(toc: object) -> tuple[object, ...]:
    """All that Material's table of contents shows of a page's headings."""
    return tuple(
        (
            item.title,
            item.url,
            item.level,
            repr(getattr(item, "typeset", None)),  # Material's typeset plugin, if used
            _headings(item.children),
        )
        for item in toc  # type: ignore[attr-defined]
    )


def _reach(context: jinja2.runtime.Context) -> tuple[str, str]:
    """How a page's links reach the site's shared files: its way to the root, and its top
    folder (a link into the page's own top folder would be written shorter)."""
    page = context.get("page")
    url = str(getattr(page, "url", "") or "")
    return str(context.get("base_url")), url.split("/", 1)[0]


def _addresses(items: list[object]) -> Iterator[str]:
    for item in items:
        url = getattr(item, "url", None)
        if url is not None:
            yield str(url)
        yield from _addresses(getattr(item, "children", None) or [])


def _nav_key(page: object, targets: list[str]) -> str | None:
    """The folder of a page outside the navigation: the navigation's relative links are the same
    from every page in one folder, unless one leads into the page's own folder. None for a page
    in the navigation (its own item is marked as the current one) or for no page (404).

    >>> from mkdocs.structure.files import InclusionLevel
    >>> class File:
    ...     def __init__(self, out): self.inclusion = InclusionLevel.NOT_IN_NAV if out else InclusionLevel.INCLUDED
    >>> class Page:
    ...     def __init__(self, url, out=True): self.url, self.file = url, File(out)
    >>> [_nav_key(Page(url), ["", "2023/", "xiangmu/"]) for url in ("2023/a/", "2023/b/", "xiangmu/a/")]
    ['2023', '2023', 'xiangmu']
    >>> _nav_key(Page("2023/"), ["2023/x/"]), _nav_key(Page("2023/", out=False), []), _nav_key(None, [])
    (None, None, None)
    """
    file = getattr(page, "file", None)
    if file is None or not file.inclusion.is_not_in_nav():
        return None
    url = str(page.url)  # type: ignore[attr-defined]
    if any(target.startswith(url.rstrip("/")) for target in targets):
        return None
    return url.rstrip("/").rpartition("/")[0]
