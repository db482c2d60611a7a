"""The one jinja2 environment factory (模板环境), with the filters the templates use.

HTML pages get autoescaping, so every value from the data is escaped; the YAML skeleton that
``gongkai new`` writes is plain text.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import jinja2
import jinja2.bccache
from markupsafe import Markup, escape

from gongkai.checks.targets import stated_target
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
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


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
    """Templates compiled once per process (模板编译缓存).

    Every build of a ``gongkai serve`` session makes new jinja2 environments — MkDocs' for the
    theme, ours for the page bodies — and each compiled every template again: half the time
    from a saved edit to the page at 1,000 project-years. jinja2 keys an entry by template and
    file and checks the source's checksum, so an edited template is compiled again. One cache
    per kind of environment, since the compiled code holds the environment's options
    (autoescaping, whitespace) and not only the source.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = {kind: CompiledTemplates() for kind in ("html", "text", "theme")}


def environment(html: bool = True) -> jinja2.Environment:
    """The environment for ``templates/``: for HTML pages (escaped), or for plain text."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        trim_blocks=html,
        lstrip_blocks=html,
        keep_trailing_newline=not html,
        bytecode_cache=COMPILED["html" if html else "text"],
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
    return env
