"""Unanswerable questions made from answerable ones: a name or number that the question shares
with its answer sentence is swapped for another of the same kind from another article.

qa-train has few unanswerable questions (347 in English, none in French), and the reader scored
SQuAD 2.0's unanswerable questions as high as answerable ones: they name what the paragraph
names but ask about something it does not say. Entity and number swaps are how many of SQuAD
2.0's were written (Rajpurkar et al., 2018). With the original question's positive beside it,
the reader must check that the sentence is about what the question names, not only that it
shares the question's words.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import cache

Slot = tuple[int, int, str]  # start, end, kind

# Whole numbers only: not the digits of a model name ("C-X75"); "2002年" is one.
_NUMBER = re.compile(r"(?<![A-Za-z\d.,-])\d+(?:[.,]\d+)*(?![A-Za-z-])")
# A run of capitalised words, with the small words that join names ("Bank of England"), not
# a capital inside a word ("iPod") nor a possessive's "'s".
_NAME = re.compile(
    r"(?<![\w'’-])[A-ZÀ-ÖØ-Þ][\w-]+(?:\s+(?:(?:of|de|du|des|la|le|von|van)\s+)?[A-ZÀ-ÖØ-Þ][\w-]+)*"
)
_CHINESE_NAME_TAGS = {
    "nr": "person",
    "nrfg": "person",
    "nrt": "person",
    "ns": "place",
    "nt": "organisation",
    "nz": "name",
}


@cache
def _posseg():  # type: ignore[no-untyped-def]
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg


def slots(question: str, lang: str) -> list[Slot]:
    """The question's names and numbers: (start, end, kind)."""
    found: list[Slot] = []
    for m in _NUMBER.finditer(question):
        kind = "year" if len(m.group()) == 4 and m.group()[:2] in ("19", "20") else "number"
        found.append((m.start(), m.end(), kind))
    if lang == "zh":
        at = 0
        for word, tag in _posseg().cut(question):
            name = _CHINESE_NAME_TAGS.get(tag)
            if name and len(word) >= 2 and not _NUMBER.search(word):
                found.append((at, at + len(word), name))
            at += len(word)
    else:
        for m in _NAME.finditer(question):
            # The first word is capitalised whatever it is ("What", "Quand"): a name only if
            # the run goes on past it.
            start = m.start()
            if start == 0:
                space = m.group().find(" ")
                if space < 0:
                    continue
                start = space + 1
            found.append((start, m.end(), "name"))
    return found


class Swapper:
    """Swaps one slot of a question for a slot of the same kind from another article."""

    def __init__(self, questions: Iterable[tuple[str, str, str]]) -> None:
        """`questions`: (language, article title, question) of the training set."""
        self.pool: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for lang, title, question in questions:
            for start, end, kind in slots(question, lang):
                self.pool[lang, kind].append((title, question[start:end]))

    def swap(
        self,
        question: str,
        lang: str,
        title: str,
        sentence: str,
        paragraph: str,
        answer: str,
        rng: random.Random,
    ) -> str | None:
        """The question with a slot it shares with `sentence` (not the answer) replaced by one
        that `paragraph` never names, or None when it has no such slot."""
        shared = [
            s
            for s in slots(question, lang)
            if question[s[0] : s[1]] in sentence and question[s[0] : s[1]] not in answer
        ]
        if not shared:
            return None
        start, end, kind = rng.choice(shared)
        pool = self.pool[lang, kind]
        for _ in range(8):
            other_title, text = rng.choice(pool)
            if other_title != title and text not in paragraph and text not in question:
                return question[:start] + text + question[end:]
        return None
