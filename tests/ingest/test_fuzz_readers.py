"""Fuzzing the readers: any input either parses or raises one of ingest's named errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ingest import IngestError
from ingest.readers import ParsedDocument, read_markdown, read_plain_text
from ingest.structure import MAX_PARAGRAPH_CHARS

READERS = {"txt": read_plain_text, "md": read_markdown}
# Derandomized: the same 200 examples each run, so a failure here is never a fluke.
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Text that looks like documents: headings, lists, bold, signatures, Chinese, blank lines.
PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "**",
        "__",
        "- ",
        "1. ",
        "12) ",
        "I",
        "II.",
        "(Signé) ",
        "（签名）",
        "\n",
        "\n\n",
        "\r\n",
        " ",
        "\t",
        "亚信会议",
        "。",
        "：",
        "Déclaration",
        "New York, le 20",
        ".",
        ";",
        "»",
        "S.E. M.",
        "\u3000",
        "\u200b",
        "\x00",
        "\x07",
        "\ufeff",
    ]
)
DOCUMENT_LIKE = st.lists(st.one_of(PIECES, st.text(max_size=40)), max_size=40).map("".join)


def check(reader: Callable[[str, bytes], ParsedDocument], name: str, data: bytes) -> None:
    try:
        parsed = reader(name, data)
    except IngestError as exc:
        assert type(exc) is not IngestError, "raise a named subclass"
        assert str(exc), "an error needs a message"
        return
    assert parsed.drafts
    assert parsed.doc_id == name
    for draft in parsed.drafts:
        assert draft.text.strip()
        assert "**" not in draft.text
        assert 0 <= draft.start <= draft.end
        assert len(draft.text) <= MAX_PARAGRAPH_CHARS


@pytest.mark.parametrize("kind", sorted(READERS))
@FUZZ
@given(data=st.binary(max_size=2000))
def test_readers_on_arbitrary_bytes(kind: str, data: bytes) -> None:
    check(READERS[kind], f"fuzz.{kind}", data)


@pytest.mark.parametrize("kind", sorted(READERS))
@FUZZ
@given(text=DOCUMENT_LIKE)
@example(text="**")  # markup and nothing else
@example(text="# Titre\n\n**Gras**\n")
def test_readers_on_document_like_text(kind: str, text: str) -> None:
    check(READERS[kind], f"fuzz.{kind}", text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(name=st.text(max_size=30), text=st.text(max_size=200))
def test_readers_on_arbitrary_names(name: str, text: str) -> None:
    check(read_plain_text, name, text.encode("utf-8", "surrogatepass"))
