"""Turning whatever a person types into the search box into a safe FTS5 query.

FTS5 has its own query language (quotes, AND/OR/NOT/NEAR, column filters, `*`, `^`, parentheses). A teacher
typing `"fractions` or `a-b` or `NOT` must never get an error, so we never pass their text through as syntax:
every word becomes a quoted string (which FTS5 tokenizes with the table's own tokenizer) with a trailing `*`,
so each word is a prefix, as the person types ("fra dec" finds "Fractions and decimals").
"""

from __future__ import annotations

import logging
import unicodedata

__all__ = ["fts_query"]

log = logging.getLogger(__name__)

# A search of hundreds of words is not a person typing; cap it so a paste cannot build a giant query.
MAX_WORDS = 16


def _clean(text: str) -> str:
    # Lone surrogates cannot be encoded to UTF-8 for SQLite, and NUL cuts C strings short: drop both.
    return "".join(ch for ch in text if ch != "\x00" and unicodedata.category(ch) != "Cs")


def _has_token(word: str) -> bool:
    # A letter or digit is a token character for FTS5's unicode61 tokenizer, so a quoted word holding one
    # always yields at least one token. A word of punctuation or symbols alone would become an empty phrase,
    # which matches nothing and would turn the whole AND into "no results".
    return any(ch.isalnum() for ch in word)


def fts_query(text: str) -> str | None:
    """The FTS5 MATCH expression for `text`, or None when it holds no searchable word (then: no search).

    Every whitespace-separated word becomes `"word"*` (inner quotes doubled); the words are ANDed.
    """
    words = [w for w in _clean(text).split() if _has_token(w)][:MAX_WORDS]
    if not words:
        return None
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)
