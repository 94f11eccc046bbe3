"""Tokens for keyword matching and word overlap: jieba words for Chinese, stemmed
accent-folded words for French and English, stopwords of all three dropped."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)

# Written as text for readability; split once at import.
_STOPWORD_TEXT = {
    "fr": """
    a ainsi au aux avaient avait avec c ce cela celle celles celui ces cet cette ceux
    combien comme comment d dans de des document documents dont du elle elles en entre est
    est-ce et faire fait il ils j je l la laquelle le lequel les lesquelles lesquels leur
    leurs lui m ma mais me mes moi mon même n ne nos notre nous on ont ou où par pas plus
    pour pourquoi qu qu' quand que quel quelle quelles quels qui quoi s sa se selon sera
    seront ses si son sont sur t ta te tes toi ton tous tout toute toutes très tu un une vos
    votre vous y à ça était été être
    """,
    "en": """
    a about according an and are as at be been being by can could did do document documents
    does for from had has have he her his how i in into is it its many may me might much my
    no not of on or our said say says shall she should tell than that the their them then
    there these they this those to was we were what when where which who whom whose why will
    with would you your
    """,
    "zh": """
    一个 一些 上 下 与 个 中 为 为什么 之 也 了 于 什么 从 以 会 何 何时
    其 几 到 及 可以 吗 吧 呢 和 哪 哪个 哪些 哪年 哪里 啊 在 多少 如何 对
    将 就 并 怎么 怎样 或 把 文件 文档 时候 是 是否 有 根据 没有 由 的 而
    能 被 谁 这 那 都 里
    """,
}
STOPWORDS = {lang: frozenset(text.split()) for lang, text in _STOPWORD_TEXT.items()}


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    import Stemmer  # PyStemmer: Snowball algorithms in C

    return Stemmer.Stemmer(language)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    from text.jieba_words import load_dictionary

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary load on stderr
    if not load_dictionary(jieba.dt):  # the cache folder cannot be written: jieba's own dict
        jieba.initialize()
    return jieba


def fold_accents(word: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str, lang: str) -> list[str]:
    """Content-word tokens: jieba words for Chinese runs, stemmed accent-folded words otherwise.

    Stopwords of all three languages are dropped (questions and paragraphs mix languages).
    """
    out: list[str] = []
    position = 0
    for match in _CJK_RUN.finditer(text):
        out.extend(_latin_tokens(text[position : match.start()], lang))
        out.extend(
            w for w in _jieba().lcut(match.group()) if w.strip() and w not in STOPWORDS["zh"]
        )
        position = match.end()
    out.extend(_latin_tokens(text[position:], lang))
    return out


def _latin_tokens(text: str, lang: str) -> list[str]:
    stemmer_language = "english" if lang == "en" else "french"
    words = (_latin_token(raw, stemmer_language) for raw in _WORD.findall(text))
    return [word for word in words if word]


@lru_cache(maxsize=20_000)  # ~4 MB
def _latin_token(raw: str, stemmer_language: str) -> str:
    """One word's token, or "" for a stopword. Cached: the same words recur in every
    paragraph, and stemming and accent folding were half of an answer's tokenizing time."""
    word = _ELISION.sub("", raw.lower())
    if word in STOPWORDS["fr"] or word in STOPWORDS["en"]:
        return ""
    # Acronyms and numbers are names: stemming would split "CICA" between languages.
    keep = word.isdigit() or (raw.isupper() and len(raw) > 1)
    return fold_accents(word if keep else _stemmer(stemmer_language).stemWord(word))
