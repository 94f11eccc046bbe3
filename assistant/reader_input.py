"""The reader's input: a question and one candidate sentence, with a little of the text before it.

    <s> question </s></s> preceding words </s> sentence </s>

The trainer (training/) and the engine encode pairs with this one function, so the model
always sees at run time what it was trained on.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.e5_tokenizer import E5Tokenizer

QUESTION_TOKENS = 40
CONTEXT_TOKENS = 24  # the end of the text before the sentence: who "it" or "he" is
SENTENCE_TOKENS = 80


@dataclass(frozen=True)
class Pair:
    ids: list[int]
    first: int  # position of the sentence's first token in `ids`
    spans: list[tuple[int, int]]  # character span in the sentence of each sentence token


def encode_pair(tokenizer: E5Tokenizer, question: str, context: str, sentence: str) -> Pair:
    question_ids = tokenizer.ids([question])[0][:QUESTION_TOKENS]
    context_ids = tokenizer.ids([context])[0][-CONTEXT_TOKENS:] if context.strip() else []
    tokens = tokenizer.tokens(sentence)
    sentence_ids = tokens.ids[:SENTENCE_TOKENS]
    eos = tokenizer.eos
    head = [tokenizer.bos, *question_ids, eos, eos, *context_ids, eos]
    return Pair([*head, *sentence_ids, eos], len(head), tokens.spans[:SENTENCE_TOKENS])
