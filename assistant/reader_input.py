"""The reader's input: a question and one candidate sentence, with a little of the text before it.

    <s> question </s></s> preceding words </s> sentence </s>

The trainer (training/) and the engine encode pairs with this one function, so the model
always sees at run time what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import E5Tokenizer

QUESTION_TOKENS = 40
CONTEXT_TOKENS = 24  # the end of the text before the sentence: who "it" or "he" is
SENTENCE_TOKENS = 80
WINDOW_STRIDE = 60  # a longer sentence is read in windows of SENTENCE_TOKENS, this far apart
CONTEXT_CHARS = 150  # of the text before a window: more than CONTEXT_TOKENS ever need


@dataclass(frozen=True)
class Pair:
    ids: list[int]
    first: int  # position of the sentence's first token in `ids`
    spans: list[tuple[int, int]]  # character span in the sentence of each sentence token


def question_tokens(tokenizer: E5Tokenizer, question: str) -> list[int]:
    """The question's ids as every pair holds them (tokenized once for all its candidates)."""
    return tokenizer.ids([question])[0][:QUESTION_TOKENS]


def encode_pair(
    tokenizer: E5Tokenizer, question_ids: list[int], context: str, sentence: str
) -> Pair:
    context_ids = tokenizer.ids([context])[0][-CONTEXT_TOKENS:] if context.strip() else []
    tokens = tokenizer.tokens(sentence)
    sentence_ids = tokens.ids[:SENTENCE_TOKENS]
    eos = tokenizer.eos
    head = [tokenizer.bos, *question_ids, eos, eos, *context_ids, eos]
    return Pair([*head, *sentence_ids, eos], len(head), tokens.spans[:SENTENCE_TOKENS])


def text_before(text: str, start: int) -> str:
    """What the reader is given of the text before a sentence starting at `start`."""
    return text[max(0, start - CONTEXT_CHARS) : start]


def windows(tokenizer: E5Tokenizer, context: str, sentence: str) -> list[tuple[str, str, int]]:
    """The sentence as the reader reads it: whole, or when longer than SENTENCE_TOKENS in
    overlapping windows (a long sentence's answer is often near its end). Each window is (the
    text before it, its text, its offset in the sentence)."""
    if len(tokenizer.ids([sentence])[0]) <= SENTENCE_TOKENS:
        return [(context, sentence, 0)]
    spans = tokenizer.tokens(sentence).spans
    out = []
    for first in range(0, len(spans), WINDOW_STRIDE):
        last = min(first + SENTENCE_TOKENS, len(spans)) - 1
        start, end = spans[first][0], spans[last][1]
        before = text_before(context + sentence[:start], len(context) + start)
        out.append((before, sentence[start:end], start))
        if last == len(spans) - 1:
            break
    return out
