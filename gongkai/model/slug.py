"""Readable URL names (网址名) from Chinese project names: 保安费用 → ``baoan-feiyong``."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache

import jieba
from pypinyin import Style, lazy_pinyin

jieba.setLogLevel(logging.WARNING)
_SEPARATOR = re.compile(r"[^a-z0-9]+")


@cache
def slugify(name: str) -> str:
    """Pinyin of each word, words joined by hyphens; Latin letters and digits kept.

    Words come from jieba, so syllables of one word stay together (baoan, not bao-an), and
    pypinyin reads each word as a phrase, so polyphonic characters read right.

    >>> slugify("保安费用"), slugify("会计核算2023")
    ('baoan-feiyong', 'kuaijihesuan-2023')
    """
    text = unicodedata.normalize("NFKC", name).lower()
    parts = []
    for word in jieba.cut(text):
        syllables = lazy_pinyin(word, style=Style.NORMAL, errors="default")
        parts.append("".join(syllables).replace("ü", "v"))
    return _SEPARATOR.sub("-", "-".join(parts)).strip("-") or "xiangmu"
