"""What a question must be before it is asked: the one check behind the CLI, `/ask` and `/chat`.

Each refusal is a QuestionError whose message says what to fix; nothing a client sends (a number
for a question, a broken character, top_k "abc") gets past here as a traceback.
"""

from __future__ import annotations

import re

from assistant.errors import QuestionError

MAX_TOP_K = 50
# Characters that show nothing: a question of only these is empty.
_INVISIBLE = re.compile(
    "[\u0000-\u0008\u000b-\u001f\u007f\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
_ECHO = 40  # characters of a refused top_k shown back


def question_text(question: object, max_chars: int) -> str:
    """The question as the engine reads it (invisible characters dropped, trimmed)."""
    if not isinstance(question, str):
        raise QuestionError(
            f"The question must be text, not {type(question).__name__}: send a string."
        )
    if _SURROGATE.search(question):
        raise QuestionError(
            "The question holds a broken character (an unpaired UTF-16 surrogate): "
            "retype it or paste it again."
        )
    text = _INVISIBLE.sub("", question).strip()
    if not text:
        raise QuestionError("The question is empty: type what you want to know.")
    if len(text) > max_chars:
        raise QuestionError(
            f"The question is {len(text):,} characters long and the limit is {max_chars:,}: "
            "shorten it, or ask about one thing at a time.",
            setting="DOCQA_MAX_QUESTION_CHARS",
        )
    return text


def top_k_asked(top_k: object) -> int | None:
    """How many paragraphs to read: 1 to MAX_TOP_K, or None for the default (top_k None or 0).

    A whole number sent as a float (JSON's 3.0, a slider's value) is taken; text, fractions,
    booleans and numbers out of range are refused.
    """
    if top_k is None:
        return None
    if isinstance(top_k, float) and top_k.is_integer():
        top_k = int(top_k)
    if isinstance(top_k, bool) or not isinstance(top_k, int):
        shown = repr(top_k)
        shown = shown if len(shown) <= _ECHO else shown[:_ECHO] + "…"
        raise QuestionError(
            f"top_k must be a whole number of paragraphs, not {type(top_k).__name__} {shown}: "
            f"send 1 to {MAX_TOP_K}, or 0 for the default."
        )
    if top_k == 0:
        return None
    if not 1 <= top_k <= MAX_TOP_K:
        raise QuestionError(
            f"top_k is {top_k}: ask for 1 to {MAX_TOP_K} paragraphs, or 0 for the default."
        )
    return top_k
