"""Readable URL names (网址名) from Chinese project names: 保安费用 → ``baoan-feiyong``; and the
pinyin a list of names is sorted by.

Both read names with jieba and pypinyin, whose dictionaries take about 0.7 s to load. A build
remembers what it worked out in a memo beside ``mkdocs.yml`` (``.cache/gongkai/names.json``),
so that the next build of the same names loads neither (most of a district's reports name no
URL of their own: each build read every name again). The memo holds the answers of this very
code and these dictionaries only (its recipe says which); it may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import unicodedata
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import ModuleType

import gongkai
from gongkai.files import write_text_atomically

MEMO_FILE = Path(".cache") / "gongkai" / "names.json"  # under the folder of mkdocs.yml
NO_CACHE = "GONGKAI_NO_CACHE"  # set: no memo (as no other cache)
_SEPARATOR = re.compile(r"[^a-z0-9]+")

_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")

# What the memo read at the start of this build, and what was worked out since; the names
# asked for in this process (only theirs are kept: a renamed project's old name goes).
_slugs: dict[str, str] = {}
_keys: dict[str, list[str]] = {}
_asked: set[str] = set()
_kept_at: set[Path] = set()  # memos that hold everything worked out so far
_recalled: set[Path] = set()  # memos read by this process


def slugify(name: str) -> str:
    """Pinyin of each word, words joined by hyphens; Latin letters and digits kept.

    Words come from jieba, so syllables of one word stay together (baoan, not bao-an), and
    pypinyin reads each word as a phrase, so polyphonic characters read right.

    >>> slugify("保安费用"), slugify("会计核算2023")
    ('baoan-feiyong', 'kuaijihesuan-2023')
    """
    _asked.add(name)
    known = _slugs.get(name)
    if known is None:
        known = _slugs[name] = _worked_out_slug(name)
        _kept_at.clear()
    return known


def pinyin_key(name: str) -> list[str]:
    """The syllables a name sorts by, as a directory sorts by pinyin.

    >>> pinyin_key("信访局")
    ['xin', 'fang', 'ju']
    """
    _asked.add(name)
    known = _keys.get(name)
    if known is None:
        from pypinyin import lazy_pinyin

        known = _keys[name] = lazy_pinyin(name)
        _kept_at.clear()
    return list(known)


def quiet_jieba() -> ModuleType:
    """jieba, imported when first needed (not by a build whose names are all remembered), and
    told not to print its dictionary's loading on the clerk's screen."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@cache
def _worked_out_slug(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    jieba = quiet_jieba()
    text = unicodedata.normalize("NFKC", name).lower()
    parts = []
    for word in jieba.cut(text):
        syllables = lazy_pinyin(word, style=Style.NORMAL, errors="default")
        parts.append("".join(syllables).replace("ü", "v"))
    return _SEPARATOR.sub("-", "-".join(parts)).strip("-") or "xiangmu"


@cache
def _recipe() -> str:
    """What else decides the answers: this code and the two dictionaries' versions (in the
    standalone program, which holds no source and no package records, its own version)."""
    try:
        source = Path(__file__).read_bytes()
    except OSError:
        source = gongkai.__version__.encode()
    versions = []
    for package in ("jieba", "pypinyin"):
        try:
            versions.append(version(package))
        except PackageNotFoundError:
            versions.append(f"{package} {gongkai.__version__}")
    return hashlib.sha256(source + " ".join(versions).encode()).hexdigest()


def recall(root: Path) -> None:
    """Read the memo of earlier builds of the project at ``root`` (nothing if it is missing,
    unreadable or of other code). Read once a process: a serve session holds it since."""
    if os.environ.get(NO_CACHE) or root.resolve() in _recalled:
        return
    _recalled.add(root.resolve())
    try:
        memo = json.loads((root / MEMO_FILE).read_text(encoding="utf-8"))
        if memo.get("recipe") != _recipe():
            return
        slugs, keys = memo["slugs"], memo["keys"]
        if not (isinstance(slugs, dict) and isinstance(keys, dict)):
            return
    except (OSError, ValueError, KeyError, AttributeError):
        return
    for name, slug in slugs.items():
        if isinstance(slug, str) and _SLUG.fullmatch(slug):  # never a path, whatever is there
            _slugs.setdefault(name, slug)
    for name, key in keys.items():
        if isinstance(key, list) and all(isinstance(part, str) for part in key):
            _keys.setdefault(name, key)
    if not (_slugs.keys() - slugs.keys() or _keys.keys() - keys.keys()):
        _kept_at.add(root.resolve())  # nothing known here that it lacks


def remember(root: Path) -> None:
    """Keep what this process worked out for the next build; a failure only means the next
    build works the names out again."""
    if root.resolve() in _kept_at or os.environ.get(NO_CACHE):
        return
    memo = {
        "recipe": _recipe(),
        "slugs": {name: slug for name, slug in _slugs.items() if name in _asked},
        "keys": {name: key for name, key in _keys.items() if name in _asked},
    }
    try:
        write_text_atomically(
            root / MEMO_FILE, json.dumps(memo, ensure_ascii=False, sort_keys=True)
        )
    except OSError:
        return
    _kept_at.add(root.resolve())
