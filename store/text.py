"""Language detection shared by ingest (per paragraph) and the assistant (per question)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

LANGUAGES = ("fr", "zh", "en")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid ships its model inside the package: no download at run time.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def cjk_share(text: str) -> float:
    """Share of letters that are CJK ideographs."""
    letters = _LETTER.findall(text)
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _CJK.match(ch)) / len(letters)


def detect_language(text: str, default: str = "en") -> str:
    """Return 'fr', 'zh' or 'en'. Chinese is decided by script, French vs English by langid."""
    if cjk_share(text) >= 0.3:
        return "zh"
    if not _LETTER.search(text):
        return default
    lang, _ = _identifier().classify(text)
    return str(lang) if lang in LANGUAGES else default


# -- tokens for keyword matching ---------------------------------------------------------------

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)

STOPWORDS: dict[str, frozenset[str]] = {
    "fr": frozenset(
        """a à au aux avec ce ces cet cette comme dans de des du elle elles en est et été être
        il ils je la le les leur leurs lui ma mais me même mes moi mon ne nos notre nous on ou
        où par pas pour qu que quel quelle quelles quels qui sa se ses son sont sur ta te tes
        toi ton tu un une vos votre vous y ont fait faire quoi quand comment combien pourquoi
        est-ce dont lequel laquelle lesquels lesquelles selon d l s n c qu' j m t ainsi été
        était avait avaient sera seront ceux celle celles celui cela ça si très plus tout tous
        toute toutes entre document documents""".split()
    ),
    "en": frozenset(
        """a an the and or of to in on at by for with from as is are was were be been being it
        its this that these those what which who whom whose when where why how many much do
        does did has have had not no into than then there their they them he she his her we
        our you your i me my can could would should will shall may might about according
        document documents say says said tell""".split()
    ),
    "zh": frozenset(
        """的 了 是 在 和 与 及 或 也 都 就 而 并 对 为 以 于 之 其 这 那 哪 哪些 什么 谁 何
        何时 多少 几 个 吗 呢 吧 啊 有 没有 被 把 从 到 由 中 上 下 里 将 会 能 可以 如何 怎么
        怎样 为什么 是否 哪里 哪个 哪年 时候 一个 一些 文件 文档 根据""".split()
    ),
}


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Any:
    import Stemmer  # PyStemmer: Snowball algorithms in C

    return Stemmer.Stemmer(language)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary load on stderr
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
    stemmer = _stemmer("english" if lang == "en" else "french")
    words = []
    for raw in _WORD.findall(text):
        word = _ELISION.sub("", raw.lower())
        if word in STOPWORDS["fr"] or word in STOPWORDS["en"]:
            continue
        # Acronyms and numbers are names: stemming would split "CICA" between languages.
        keep = word.isdigit() or (raw.isupper() and len(raw) > 1)
        words.append(fold_accents(word if keep else stemmer.stemWord(word)))
    return words
