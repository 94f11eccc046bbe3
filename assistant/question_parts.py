"""A question's parts ("where and when", "who, and in what forum") and the names it mentions.

A multi-part question is answered part by part: one sentence per part, each holding the kind
of answer that part asks for. The split is on connectives followed by a question word, in the
question's language, so "la paix et la sécurité" stays one part.
"""

from __future__ import annotations

import re

from text import fold_accents

_SPLIT = {
    "en": re.compile(
        r",?\s+and\s+(?=(?:when|where|which|what|who|how|why|in\s+what|in\s+which|does|do|"
        r"did|is|are|was)\b)|[?;]\s+(?=\S)",
        re.I,
    ),
    "fr": re.compile(
        r",?\s+et\s+(?=(?:quand|où|quel|quelle|quels|quelles|lequel|laquelle|comment|combien|"
        r"pourquoi|qui|dans\s+quel|dans\s+quelle|en\s+quel|en\s+quelle)\b)|[?;]\s+(?=\S)",
        re.I,
    ),
    "zh": re.compile(r"[？?；;]\s*(?=\S)|[、，,](?=(?:什么|哪|在哪|谁|几|多少|怎样|如何))"),
}

# Capitalised words that are not names (question words, sentence starts).
_NOT_NAMES_TEXT = """
    what when where which who whom whose why how in on at the a an and does do did is are was
    were according quel quelle quels quelles quand où qui comment combien pourquoi dans selon
    d'après le la les un une des du de en est ce cette
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w'’-]*[a-zà-ÿ][\w'’-]*")


def question_parts(question: str, lang: str) -> list[str]:
    """The question split into the parts it asks; a plain question is one part."""
    pattern = _SPLIT.get(lang)
    parts = pattern.split(question) if pattern else [question]
    return [p.strip() for p in parts if p and len(p.strip()) > 2] or [question]


def names_in(question: str) -> set[str]:
    """Capitalised words after the first word: named entities the evidence must mention."""
    names = set()
    for match in _NAME.finditer(question):
        word = match.group().strip("'’-")
        if match.start() == 0 or word.lower() in _NOT_NAMES or len(word) < 3:
            continue
        names.add(fold_accents(word).lower())
    return names


def mentions(text: str, name: str, same_language: bool = True) -> bool:
    """Whether `text` names `name`, allowing a language's ending (China/Chine, Kazakh/kazakhe)
    and, across languages, a different transliteration after the fifth letter."""
    folded = fold_accents(text).lower()
    stem = name[: max(4, len(name) - 2)] if same_language else name[:5]
    return re.search(rf"\b{re.escape(stem)}", folded) is not None
