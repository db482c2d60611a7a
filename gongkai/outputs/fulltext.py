"""Full-text search (全文检索): every visible word of every page, in an index split by term so
that a query loads only what it needs.

Terms are the bigrams of Chinese text (as CJK search engines index: any fragment of two or
more characters is found), numbers and Latin words, and for names their pinyin and initials
from any syllable on. The index is a set of small scripts under ``search/``, loaded with
``<script>`` tags on demand, so it also works from a folder opened as ``file://``:

- ``search/s/<n>.js``  postings: term → pages, with the best field the term is in there;
- ``search/m/<n>.js``  page titles, years, departments and addresses, 200 pages a file;
- ``search/t/<n>.js``  one page's text by section, for the snippet and the section link.

Pages are numbered best first (project-year pages, newest year first, then pages across
years, then the rest), so that ranking needs no more than the postings.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import multiprocessing
import operator
import os
import queue
import re
import tempfile
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple

from gongkai.outputs.background import (
    failed,
    leave_inherited,
    orphaned,
    said_not_written,
    second_core,
    stop,
)
from gongkai.outputs.search import (
    load_words,
    readings,
    recall_readings,
    remember_readings,
    standing,
)
from gongkai.pages import SitePage, headings

# Where a term was found, best first: a name, an indicator, a heading, the body.
NAME, INDICATOR, HEADING, BODY = 0, 1, 2, 3
META_CHUNK = 200  # pages per meta file
SHARD_TARGET = 48 * 1024  # bytes of postings aimed at per shard file
DIRECTORY = "search"
Order = tuple[int, int, str]  # where a page sorts: PageText.order()

_DROP = re.compile(r"<(style|script|svg|figure)\b.*?</\1>", re.S | re.I)
_INDICATORS = re.compile(r'<table class="gk gk-indicators">.*?</table>', re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_PAIR = re.compile(r"(?=([\u3400-\u9fff\uf900-\ufaff]{2}))")  # two Chinese characters
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def normalise(text: str) -> str:
    """Full-width forms as ASCII, lower case, thousands separators dropped (150,000 → 150000).

    Not ``quantity.normalise`` (NFKC): the search script in the browser normalises a query
    with exactly these steps, and index and query must agree character for character."""
    text = text.translate(_FULL_WIDTH).lower()
    return _THOUSANDS.sub("", text)


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# The full-width characters whose ASCII form can change a term: digits, letters, the point, and
# a comma between digits as a thousands separator (1，000). Other marks (，（）：) become marks.
_CHANGES_A_TERM = re.compile("[\uff0e\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]|\\d\uff0c\\d{3}")


def _term_text(text: str) -> str:
    """``normalise(text)`` as far as any term can tell: the full-width forms are translated only
    where one would change a term (most Chinese texts hold full-width commas and brackets, and
    the translation, character by character, was a fifth of the index's time)."""
    if _CHANGES_A_TERM.search(text):
        return normalise(text)
    return _THOUSANDS.sub("", text.lower())


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")


def _plain(fragment: str) -> str:
    text = html.unescape(_TAG.sub(" ", fragment))
    return _SPACE.sub(" ", text).strip()


@dataclass
class Section:
    """A part of a page under one heading: its anchor, heading, text and field."""

    anchor: str
    heading: str
    text: str
    field: int = BODY


@dataclass
class PageText:
    """What search knows of one page."""

    url: str
    title: str
    year: str = ""  # "2023", "历年（…）", "部门", or "" for the site's own pages
    department: str = ""
    rank: int = 9  # order among equals: 0 project-year pages … 9 the site's own pages
    names: list[str] = field(default_factory=list)  # the page's own name(s), for pinyin
    sections: list[Section] = field(default_factory=list)

    def order(self) -> tuple[int, int, str]:
        year = int(self.year) if self.year.isdigit() else 0
        return (self.rank, -year, self.url)


def page_text(
    url: str,
    title: str,
    body_html: str,
    *,
    year: str = "",
    department: str = "",
    rank: int = 9,
    names: list[str] | None = None,
    extra: str = "",
) -> PageText:
    """The visible text of a rendered page body, section by section; ``extra`` is text people
    type that the page shows in another form (8万元 for 80,000 元)."""
    body = _DROP.sub(" ", body_html)
    sections: list[Section] = []
    for table in _INDICATORS.findall(body):
        sections.append(Section("si", "绩效指标", _plain(table), INDICATOR))
    body = _INDICATORS.sub(" ", body)
    cuts = headings(body)
    sections.append(Section("", title, _plain(body[: cuts[0].start] if cuts else body)))
    for index, heading in enumerate(cuts):
        end = cuts[index + 1].start if index + 1 < len(cuts) else len(body)
        text = _plain(body[heading.end : end])
        sections.append(Section(heading.id, _plain(heading.title), text))
    if extra:
        sections.append(Section("yusuan", "金额", extra))
    return PageText(url, title, year, department, rank, names or [title], sections)


def index_order(url: str, page: SitePage | None) -> Order:
    """Where the page at ``url`` sorts in the index (``PageText.order``), known before it is
    rendered; the site's own Markdown pages (``None``) come last."""
    if page is None:
        return PageText(url, "").order()
    year, rank = standing(page)
    return PageText(url, "", year=year, rank=rank).order()


def bigrams(text: str) -> set[str]:
    """The two-character fragments of every run of Chinese characters.

    >>> sorted(bigrams("保安费用 2023年度"))
    ['保安', '安费', '年度', '费用']
    """
    return set(_PAIR.findall(text))  # every overlapping pair, found in C, not a Python loop


def words(text: str) -> set[str]:
    """Numbers (with a decimal part) and Latin words."""
    return set(_WORD.findall(text))


def name_terms(name: str) -> set[str]:
    """A name's pinyin and initials, joined, from any syllable on to any later one (so that
    zhujingzhurong, xinfangju and zjzr all find 驻京驻蓉信访维稳经费)."""
    terms: set[str] = set()
    for reading in readings(name):
        syllables = [s for word in reading for s in word if s.isascii() and s.isalnum()]
        for start in range(len(syllables)):
            spelled = initials = ""
            for syllable in syllables[start:]:
                spelled += syllable
                initials += syllable[0]
                terms.add(spelled)
                if len(initials) >= 2:
                    terms.add(initials)
    return terms


def _terms(page: PageText) -> dict[str, int]:
    """Every term of a page with the best field it is in. Each field's texts are read as one
    (joined by a space, which no term spans): a page has some forty sections, and reading
    each on its own took a third more time."""
    texts: list[list[str]] = [[] for _ in (NAME, INDICATOR, HEADING, BODY)]
    texts[NAME].extend(page.names)
    for section in page.sections:
        texts[section.field].append(section.text)
        texts[HEADING].append(section.heading)
    best: dict[str, int] = {}
    for where in (BODY, HEADING, INDICATOR, NAME):  # the best field last: it stays
        text = _term_text(" ".join(texts[where]))
        found = bigrams(text) | words(text)
        if where == NAME:
            for name in page.names:
                found |= name_terms(name)
        best.update(dict.fromkeys(found, where))
    return best


def _shard(term: str, count: int) -> int:
    return zlib.crc32(term.encode("utf-8")) % count


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# Most gaps between page numbers are small: their spelling is looked up, not worked out.
_SMALL = [a + b for a in ("", *_DIGITS[1:]) for b in _DIGITS]


def _base36(number: int) -> str:
    """
    >>> [_base36(n) for n in (0, 35, 36, 1295, 1296)]
    ['0', 'z', '10', 'zz', '100']
    """
    if number < len(_SMALL):
        return _SMALL[number]
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = _DIGITS[rest] + text
    return text


@dataclass
class IndexFiles:
    """What was written: file count and bytes, for the benchmark and the README."""

    files: int
    bytes: int
    shards: int


def write_fulltext(pages: list[PageText], site_dir: Path) -> IndexFiles:
    """Write the sharded index of ``pages``; the same pages give the same files."""
    postings = _Postings()
    for page in pages:
        postings.add(page)
    return postings.write(site_dir)


class IndexWriter:
    """The full-text index built on another core from each page's text as the page is rendered
    (边生成边建索引): the build's processes only hand the texts over, and the index's terms are
    worked out meanwhile. The files equal ``write_fulltext`` of the same pages, in any order.

    Pages may be added from any process forked after this one starts (MkDocs' build and the
    child rendering a share of the pages). Each other sender calls ``sent`` after its last page;
    the build calls ``finish`` with how many others there are once its own pages are sent, and
    then ``wait``: the index is written as soon as the last page is sent, whatever the senders
    still do after it.

    ``memo``: where the names' readings are kept between builds (``READINGS_MEMO`` of the
    project), read before the first page and written after the index. ``first``: work the
    child does before it gathers pages (reading the build's names with the dictionaries it
    loads anyway: ``gongkai.model.slug.reading_for_a_child``).
    """

    def __init__(
        self, site_dir: Path, memo: Path | None = None, first: Callable[[], None] | None = None
    ) -> None:
        self.site_dir = site_dir
        self.memo = memo
        self.first = first  # work the child does before the pages (the build's names)
        self.postings = _Postings()  # gathered here without a second core
        self.process: multiprocessing.process.BaseProcess | None = None
        self.parent = os.getpid()
        if not second_core():
            if memo is not None:
                recall_readings(memo)
        else:
            context = multiprocessing.get_context("fork")
            # A page, ``None`` when a sender has sent its last page, or, from the build when it
            # has, how many others send pages.
            self.queue: multiprocessing.Queue[PageText | _Expected | int | None] = context.Queue()
            # Pages still in the pipe when the build ends matter to nobody (close() has waited
            # for the child, or the child died): the build must not wait at its exit to send
            # them to a reader that is gone (seen when the system killed the child).
            self.queue.cancel_join_thread()
            self.process = context.Process(target=self._collect, daemon=True, name="gongkai-index")
            self.process.start()

    def expect(self, pages: list[Order]) -> None:
        """Say, before the first page, which pages will come (their ``PageText.order()``): each
        page's own text file is then written as it comes, not all at once after the last."""
        if self.process is None:
            self.postings.expect(pages, self.site_dir)
        else:
            self.queue.put(_Expected(pages))

    def add(self, page: PageText) -> None:
        if self.process is None:
            self.postings.add(page)
        else:
            self.queue.put(page)

    def _collect(self) -> None:  # in the child
        leave_inherited()
        if self.first is not None:
            self.first()
        # Without the readings of an earlier build, the dictionary is loaded while the build
        # reads the data and no page comes yet, on a core that is otherwise idle, not amid the
        # pages when both cores are busy. With them, only for a name they lack.
        if self.memo is None or not recall_readings(self.memo):
            load_words()
        others: int | None = None  # known when the build has sent its last page
        ended = 0
        with said_not_written("写入全文索引"):
            while others is None or ended < others:
                item = self._next()
                if item is None:
                    ended += 1
                elif isinstance(item, int):
                    others = item
                elif isinstance(item, _Expected):
                    self.postings.expect(item.pages, self.site_dir)
                else:
                    self.postings.add(item)
            self.postings.write(self.site_dir)
        self._remember()

    def _remember(self) -> None:
        if self.memo is not None:
            remember_readings(self.memo)

    def _next(self) -> PageText | _Expected | int | None:
        """The next page; the child leaves when the build was killed before it sent them all
        (it would otherwise wait for ever)."""
        while True:
            try:
                return self.queue.get(timeout=1)
            except queue.Empty:
                if orphaned(self.parent):
                    os._exit(1)

    def sent(self) -> None:
        """Called by a sender other than the build after its last page."""
        if self.process is not None:
            self.queue.put(None)

    def finish(self, others: int = 0) -> None:
        """The build has sent its last page; ``others`` senders (each calls ``sent``) too."""
        if self.process is not None:
            self.queue.put(others)

    def wait(self) -> None:
        """Write the index (or wait for the child to): every page has been added."""
        if self.process is None:
            self.postings.write(self.site_dir)
            self._remember()
            return
        self.process.join()
        if self.process.exitcode != 0:
            raise failed("写入全文索引", self.process.exitcode)

    def close(self) -> None:
        """``finish`` and ``wait``, when the build is the only sender left."""
        self.finish()
        self.wait()

    def cancel(self) -> None:
        """Stop the child of a build that failed."""
        stop(self.process)


class _Expected(NamedTuple):
    """The pages a build will send, said before the first."""

    pages: list[Order]


class _Listed(NamedTuple):
    """What the index keeps in memory of a page while pages come: where it sorts, what its
    entry in the page list shows, and where its text lies in the spool."""

    order: Order
    url: str
    title: str
    year: str
    department: str
    start: int
    size: int


class _Postings:
    """Which pages each term is in, gathered page by page in any order (in 4-byte entries:
    the page's arrival × 4 + the field) and written in the index's order. Each page's text,
    written to its own file at the end, waits in a temporary file meanwhile: memory then grows
    with the number of terms and entries only (at 10,000 project-years the texts are 40
    million characters)."""

    def __init__(self) -> None:
        self.pages: list[_Listed] = []
        self.entries: dict[str, array[int]] = {}
        self.texts: IO[bytes] | None = None  # made at the first page, in the process gathering
        # With the pages said beforehand: each one's number, and the text files written as
        # the pages came (number → the page written there). Written at the end, after the
        # last page, a thousand files held the build up to a second and a half on a busy disk.
        self.numbers: dict[Order, int] = {}
        self.written: dict[int, Order] = {}
        self.folder: Path | None = None
        # Each page's slot (by arrival): the number it was said to have, where it came first
        # with that number, else one past every number said. Entries name pages by slot.
        self.slots: list[int] = []

    def expect(self, pages: list[Order], site_dir: Path) -> None:
        self.numbers = {order: number for number, order in enumerate(sorted(set(pages)))}
        self.folder = _emptied(site_dir / DIRECTORY / "t")

    def add(self, page: PageText) -> None:
        arrival = len(self.pages)
        body = [[s.anchor, s.heading, s.text, s.field] for s in page.sections if s.text]
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if self.texts is None:
            self.texts = tempfile.TemporaryFile()  # noqa: SIM115 - closed by write()
        start = self.texts.tell()
        self.texts.write(text)
        order = page.order()
        self.pages.append(
            _Listed(order, page.url, page.title, page.year, page.department, start, len(text))
        )
        number = self.numbers.get(order)
        if number is not None and number not in self.written:
            if self.folder is not None:
                (self.folder / f"{number}.js").write_bytes(_text_script(number, text))
            self.written[number] = order
            slot = number  # its place in the end, if the pages come as said
        else:
            slot = len(self.numbers) + arrival  # past every page said
        self.slots.append(slot)
        entries = self.entries
        for term, where in _terms(page).items():
            found = entries.get(term)
            if found is None:
                found = entries[term] = array("I")
            found.append(slot * 4 + where)

    def write(self, site_dir: Path) -> IndexFiles:
        """Write the index; the same pages give the same files, whatever order they came in."""
        order = sorted(range(len(self.pages)), key=lambda i: self.pages[i].order)
        rank = [0] * (len(self.numbers) + len(self.pages))  # by slot
        for number, arrival in enumerate(order):
            rank[self.slots[arrival]] = number
        ordered = [self.pages[arrival] for arrival in order]
        # Pages that came as said have their slot as number: their entries are not renumbered.
        as_said = all(rank[slot] == slot for slot in self.slots)
        # Each term's pages as gaps: the distance from the term's previous page × 4 + the field,
        # that is, an entry less the previous one's page × 4; worked out in C (map, operator).
        # A term's entries are let go once encoded, so that both are never held whole.
        small, limit = _SMALL, len(_SMALL)
        encoded: dict[str, str] = {}
        for term in list(self.entries):
            found = self.entries.pop(term)
            entries = (
                sorted(found) if as_said else sorted([(rank[e >> 2] << 2) | (e & 3) for e in found])
            )
            pages_before = itertools.chain((0,), map(operator.and_, entries, itertools.repeat(-4)))
            gaps = map(operator.sub, entries, pages_before)
            encoded[term] = ".".join([small[g] if g < limit else _base36(g) for g in gaps])
        texts, self.texts = self.texts or io.BytesIO(), None
        try:
            return _write(ordered, encoded, site_dir, texts, self.written)
        finally:
            texts.close()


def _write(
    ordered: list[_Listed],
    encoded: dict[str, str],
    site_dir: Path,
    texts: IO[bytes],
    written_before: dict[int, Order] | None = None,
) -> IndexFiles:
    """Write the index files: postings shards, page metadata, each page's text (read back
    from ``texts``), but for the text files ``written_before`` as the pages came: each kept
    where the page it holds has that number in the end (every one, unless other pages came
    than were said), the others written again or removed."""
    early = written_before or {}
    total = sum(len(t.encode()) + len(p) + 6 for t, p in encoded.items())
    count = 1
    while count < 4096 and total / count > SHARD_TARGET:
        count *= 2
    root = site_dir / DIRECTORY
    written = bytes_written = 0
    for folder in ("s", "m") if early else ("s", "m", "t"):
        _emptied(root / folder)
    shards: list[dict[str, str]] = [{} for _ in range(count)]
    for term in sorted(encoded):
        shards[_shard(term, count)][term] = encoded[term]
    for number, shard in enumerate(shards):
        bytes_written += _script(root / "s" / f"{number}.js", "GK_S", number, shard)
        written += 1
    for start in range(0, len(ordered), META_CHUNK):
        chunk = [
            [p.url, p.title, p.year, p.department] for p in ordered[start : start + META_CHUNK]
        ]
        bytes_written += _script(root / "m" / f"{start // META_CHUNK}.js", "GK_M", start, chunk)
        written += 1
    for number, page in enumerate(ordered):
        written += 1
        if early.get(number) == page.order:  # the same number, the same text
            bytes_written += len(_text_script(number, b"")) + page.size
            continue
        texts.seek(page.start)
        content = _text_script(number, texts.read(page.size))
        (root / "t" / f"{number}.js").write_bytes(content)
        bytes_written += len(content)
    for number in early:
        if number >= len(ordered):
            (root / "t" / f"{number}.js").unlink()
    settings = {"shards": count, "meta": META_CHUNK, "pages": len(ordered)}
    bytes_written += _script(root / "gongkai-settings.js", "GK_SETTINGS", 0, settings)
    return IndexFiles(written + 1, bytes_written, count)


def _text_script(number: int, text: bytes) -> bytes:
    return b"GK_T(%d," % number + text + b");\n"


def _emptied(folder: Path) -> Path:
    """``folder`` made, without the index files an earlier build left there."""
    if folder.is_dir():
        for old in folder.glob("*.js"):
            old.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _script(path: Path, call: str, key: int, value: object) -> int:
    body = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = f"{call}({key},{body});\n"
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
