"""Hostile files (issue 18): every reader is bounded while it reads, not after.

Each refusal names the file, the limit and the DOCQA_* setting that raises it, and the store keeps
every paragraph it had. Some tests lower a limit so that reaching it takes a moment; the last
test reads each hostile file with the default limits in a process that may not grow past 1.5 GB.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest import Ingestor, IngestSettings
from ingest.decode import decode_text
from ingest.html_reader import read_html
from ingest.pdf_reader import read_pdf
from ingest.readers import read_markdown, read_plain_text
from ingest.structure import MAX_PARAGRAPH_CHARS
from store import ChromaStore
from tests.ingest import hostile
from tests.ingest.test_bad_input import KEPT_DOCUMENT, ingest_one, write
from ui.context import Context

LINES = [f"Line {i} of the report on the Lumen river and its twelve stations." for i in range(40)]


@pytest.fixture
def store(empty_context: Context, tmp_path: Path) -> ChromaStore:
    """A store that already holds a document (which must never be lost)."""
    kept = write(tmp_path, "kept.txt", KEPT_DOCUMENT.encode("utf-8"))
    assert not empty_context.ingestor.ingest_paths([kept]).failed
    return empty_context.store


def ingestor_with(store: ChromaStore, **limits: int) -> Ingestor:
    return Ingestor(store, IngestSettings.model_validate(limits))


# PDF


def test_a_page_of_600000_text_operations_is_refused_while_it_is_drawn(
    store: ChromaStore, tmp_path: Path
) -> None:
    ingestor = ingestor_with(store, max_pdf_page_ops=20_000)  # default 200,000: a few seconds

    message = ingest_one(ingestor, write(tmp_path, "bomb.pdf", hostile.text_operations_pdf()))

    assert message.startswith("bomb.pdf: page 1 takes more than 20,000 operations")
    assert "DOCQA_MAX_PDF_PAGE_OPS" in message


def test_a_page_content_inflating_to_200_mb_is_refused_before_it_is_inflated(
    store: ChromaStore, tmp_path: Path
) -> None:
    message = ingest_one(Ingestor(store), write(tmp_path, "paths.pdf", hostile.path_bomb_pdf()))

    assert "paths.pdf: its page contents unpack to more than the 50 MB limit" in message
    assert "DOCQA_MAX_UNPACKED_MB" in message
    assert "scan" not in message


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("states.pdf", hostile.saved_states_pdf),  # 2 million saved graphics states
        ("stacked.pdf", hostile.stacked_lines_pdf),  # layout: every line against every other
        ("cmap.pdf", hostile.cmap_bomb_pdf),  # a character map of 4 billion codes
    ],
)
def test_pages_that_cost_too_much_to_read_are_refused(
    store: ChromaStore, tmp_path: Path, name: str, make: Callable[[], bytes]
) -> None:
    ingestor = ingestor_with(store, max_pdf_page_ops=50_000)

    message = ingest_one(ingestor, write(tmp_path, name, make()))

    assert message.startswith(f"{name}: page 1 takes more than 50,000 operations")
    assert "DOCQA_MAX_PDF_PAGE_OPS" in message


def test_a_pdf_over_its_operations_or_characters_is_refused(store: ChromaStore) -> None:
    data = hostile.pdf([hostile.text_page(LINES)] * 5)  # each page well within its budget

    by_operations = ingestor_with(store, max_pdf_ops=20_000).ingest_bytes("long.pdf", data)
    by_characters = ingestor_with(store, max_file_chars=8_000).ingest_bytes("long.pdf", data)

    assert (
        by_operations.error and "long.pdf takes more than 20,000 operations" in by_operations.error
    )
    assert "DOCQA_MAX_PDF_OPS" in by_operations.error
    assert by_characters.error == (
        "long.pdf holds more than 8,000 characters of text; split it, or raise DOCQA_MAX_FILE_CHARS"
    )
    assert store.paragraphs("long.pdf") == []


def test_a_large_table_is_read_in_rows_without_pairwise_grouping() -> None:
    cells = [
        f"BT /F1 6 Tf {40 + 55 * column} {760 - 12 * row} Td (r{row}c{column}) Tj ET\n".encode()
        for row in range(60)
        for column in range(10)
    ]
    data = hostile.pdf([hostile.stream(zlib.compress(b"".join(cells)))])

    parsed = read_pdf("table.pdf", data)

    words = parsed.text.split()
    assert words[:12] == [f"r0c{c}" for c in range(10)] + ["r1c0", "r1c1"]
    assert len(words) == 600


def damaged_content(content: bytes) -> bytes:
    """A packed content stream with all but its first bytes overwritten (same length)."""
    start, end = content.index(b"stream\n") + 9, content.index(b"\nendstream")
    garbage = (b"\x00garbage" * (end - start))[: end - start]
    return content[:start] + garbage + content[end:]


def test_a_pdf_damaged_in_the_middle_is_called_damaged_not_a_scan(
    store: ChromaStore, tmp_path: Path
) -> None:
    data = hostile.pdf([damaged_content(hostile.text_page(LINES))])

    message = ingest_one(Ingestor(store), write(tmp_path, "damaged.pdf", data))

    assert message.startswith("damaged.pdf is damaged (the content of its pages is corrupt)")
    assert "download it again" in message
    assert "OCR" not in message


def test_a_pdf_with_one_damaged_page_keeps_the_others_and_says_which() -> None:
    data = hostile.pdf([hostile.text_page(LINES), damaged_content(hostile.text_page(LINES))])

    parsed = read_pdf("half.pdf", data)

    assert "Line 39 of the report" in parsed.text
    assert parsed.note == "damaged: the content of page 2 could not be read in full"


# DOCX and HTML


def test_a_docx_whose_body_unpacks_to_150_mb_is_refused_before_parsing(
    store: ChromaStore, tmp_path: Path
) -> None:
    data = hostile.docx_bomb()
    assert len(data) < 1_000_000

    message = ingest_one(Ingestor(store), write(tmp_path, "bomb.docx", data))

    assert message.startswith("bomb.docx: its XML parts (the text and its markup) unpack to 151 MB")
    assert "over the 50 MB limit" in message
    assert "DOCQA_MAX_UNPACKED_MB" in message


def test_a_docx_whose_media_unpack_past_four_times_the_limit_is_refused(
    store: ChromaStore, tmp_path: Path
) -> None:
    data = hostile.docx_with_media(megabytes=5)
    assert len(data) < 100_000

    path = write(tmp_path, "photos.docx", data)
    message = ingest_one(ingestor_with(store, max_unpacked_mb=1), path)

    assert message.startswith("photos.docx: all its parts (pictures included) unpack to ")
    assert message.endswith(  # the picture and the rest of the package: 5 MB and some
        " MB, over the 4 MB limit (4 × DOCQA_MAX_UNPACKED_MB; a compression bomb?); split the "
        "document, or raise DOCQA_MAX_UNPACKED_MB"
    )


def test_a_docx_whose_media_unpack_within_four_times_the_limit_is_read(
    store: ChromaStore, tmp_path: Path
) -> None:
    path = write(tmp_path, "photos.docx", hostile.docx_with_media(megabytes=3))

    report = ingestor_with(store, max_unpacked_mb=1).ingest_paths([path])

    assert not report.failed, report.failed
    assert store.paragraphs("photos.docx")


def test_an_html_page_of_a_million_tags_is_refused_before_parsing(
    store: ChromaStore, tmp_path: Path
) -> None:
    message = ingest_one(Ingestor(store), write(tmp_path, "tags.html", hostile.tag_bomb_html()))

    assert message == (
        "tags.html holds more than 200,000 HTML tags; split the page, or raise DOCQA_MAX_HTML_TAGS"
    )


# Text: characters, long paragraphs, paragraphs


def test_a_15_mb_line_is_refused_by_its_characters(store: ChromaStore, tmp_path: Path) -> None:
    message = ingest_one(Ingestor(store), write(tmp_path, "line.txt", hostile.one_line_text()))

    assert message == (
        "line.txt holds more than 5,000,000 characters of text; split it, or raise "
        "DOCQA_MAX_FILE_CHARS"
    )


def test_the_limits_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCQA_MAX_FILE_CHARS", "1000")
    monkeypatch.setenv("DOCQA_MAX_PARAGRAPHS", "3")

    with pytest.raises(ValueError, match="more than 1,000 characters.*DOCQA_MAX_FILE_CHARS"):
        read_plain_text("a.txt", b"Text. " * 200)
    with pytest.raises(ValueError, match="more than 3 paragraphs.*DOCQA_MAX_PARAGRAPHS"):
        read_plain_text("b.txt", b"A paragraph of its own.\n\n" * 4)


SENTENCES = [
    "La station de Verrine mesure la fonte des neiges chaque printemps.",
    "亚信会议秘书处设在阿斯塔纳，自2006年起正式运作。",
    "The observatory publishes its measurements every month, for farmers and fishermen.",
]


def pieces_cover(source: str, drafts: list[tuple[str, int, int]]) -> None:
    """Each piece is its span of the source; together they are the source, cut at spaces."""
    position = 0
    for text, start, end in drafts:
        assert source[position:start].strip() == ""
        assert text == source[start:end]
        assert len(text) <= MAX_PARAGRAPH_CHARS
        position = end
    assert source[position:].strip() == ""


def test_a_long_paragraph_is_cut_at_sentence_ends_with_its_spans() -> None:
    line = " ".join(SENTENCES[i % 3] for i in range(600))  # 38,000 characters on one line

    parsed = read_plain_text("line.txt", line.encode("utf-8"))

    drafts = [(d.text, d.start, d.end) for d in parsed.drafts]
    assert len(drafts) >= 10
    pieces_cover(parsed.text, drafts)
    assert all(text.endswith((".", "。")) for text, _, _ in drafts)


def test_a_long_chinese_paragraph_is_cut_after_its_full_stops() -> None:
    text = "".join(SENTENCES[1] for _ in range(400))  # no spaces at all

    parsed = read_plain_text("zh.txt", text.encode("utf-8"))

    assert len(parsed.drafts) > 1
    pieces_cover(parsed.text, [(d.text, d.start, d.end) for d in parsed.drafts])
    assert all(d.text.endswith("。") for d in parsed.drafts)


def test_a_paragraph_without_sentence_ends_or_spaces_is_cut_between_characters() -> None:
    text = "x" + "e\u0301" * 6_000  # "é" as e + combining accent: never cut between the two

    parsed = read_markdown("accents.md", text.encode("utf-8"))

    assert len(parsed.drafts) == 4
    pieces_cover(parsed.text, [(d.text, d.start, d.end) for d in parsed.drafts])
    assert all(d.text.startswith("e") for d in parsed.drafts[1:])


def test_a_long_list_is_cut_between_its_items() -> None:
    items = "\n".join(f"- Station {i}: {SENTENCES[2]}" for i in range(200))
    source = "Each station measures:\n\n" + items

    parsed = read_markdown("list.md", source.encode("utf-8"))

    assert len(parsed.drafts) > 2
    assert all(len(d.text) <= MAX_PARAGRAPH_CHARS for d in parsed.drafts)
    assert all(
        line.startswith("- Station") for d in parsed.drafts[1:] for line in d.text.splitlines()
    )


def test_many_short_lines_never_make_one_huge_paragraph() -> None:
    parsed = read_plain_text("words.txt", b"word\n\n" * 20_000)  # each reads as a title

    assert len(parsed.drafts) > 1
    assert all(len(d.text) <= MAX_PARAGRAPH_CHARS for d in parsed.drafts)


def test_a_long_paragraph_of_a_rich_document_is_cut_too() -> None:
    html = "<p>" + " ".join(SENTENCES[0] for _ in range(300)) + "</p>"

    parsed = read_html("long.html", html.encode("utf-8"))

    assert len(parsed.drafts) > 1
    pieces_cover(parsed.text, [(d.text, d.start, d.end) for d in parsed.drafts])


def test_a_long_line_is_stored_as_several_paragraphs_with_their_spans(
    store: ChromaStore, tmp_path: Path
) -> None:
    line = " ".join(SENTENCES[i % 3] for i in range(120))
    path = write(tmp_path, "long.txt", line.encode("utf-8"))

    report = Ingestor(store).ingest_paths([path])

    assert not report.failed, report.failed
    stored = store.paragraphs("long.txt")
    assert len(stored) == report.documents[0].paragraphs > 1
    pieces_cover(line, [(p.text, p.start, p.end) for p in stored])


def test_a_file_over_its_paragraphs_is_refused(store: ChromaStore, tmp_path: Path) -> None:
    data = b"".join(f"Paragraph {i} of the file.\n\n".encode() for i in range(60))

    message = ingest_one(ingestor_with(store, max_paragraphs=50), write(tmp_path, "p.txt", data))

    assert message == "p.txt holds more than 50 paragraphs; split it, or raise DOCQA_MAX_PARAGRAPHS"


# Text: NUL bytes and encodings

TEXT = "La station de Verrine mesure la fonte des neiges chaque printemps, à 1 240 mètres.\n"


def test_a_few_nul_bytes_anywhere_are_dropped_and_said_where(
    store: ChromaStore, tmp_path: Path
) -> None:
    data = f"{TEXT}\n{' ' * 70_000}\n\x00\x00{TEXT}".encode()  # the NULs past the first 64 KB

    report = Ingestor(store).ingest_paths([write(tmp_path, "nul.txt", data)])

    (doc,) = report.documents
    assert not doc.error
    assert doc.note == "2 NUL bytes dropped (at bytes 70,087, 70,088)"
    assert [p.text for p in store.paragraphs("nul.txt")] == [TEXT.strip()] * 2


def test_many_nul_bytes_past_the_first_64_kb_are_binary(store: ChromaStore, tmp_path: Path) -> None:
    data = (TEXT * 1_000).encode("utf-8") + bytes(4_000)

    message = ingest_one(Ingestor(store), write(tmp_path, "tail.txt", data))

    assert message.startswith("tail.txt looks binary (it contains 4,000 NUL bytes)")


def test_utf8_with_a_stray_byte_is_read_as_utf8_with_the_offset_named() -> None:
    data = (TEXT * 3).encode("utf-8") + b"\xff" + TEXT.encode("utf-8")

    decoded = decode_text("stray.txt", data)

    assert decoded.encoding == "utf-8"
    assert decoded.text == TEXT * 3 + "\ufffd" + TEXT
    assert decoded.note == "1 invalid UTF-8 byte sequence replaced by \ufffd (at byte 255)"


def test_latin_1_is_still_read_as_latin_1() -> None:
    decoded = decode_text("latin.txt", (TEXT * 3).encode("latin-1"))

    assert decoded.text == TEXT * 3
    assert decoded.note and "not UTF-8" in decoded.note


def test_long_utf8_with_20_stray_bytes_is_read_as_utf8_with_the_offsets_named() -> None:
    lines = [TEXT] * 300  # 25 KB of French: 20 stray bytes are under 0.1% of it
    for line in range(0, 300, 15):
        lines[line] = TEXT.replace("neiges", "neiges\x00")  # where a stray byte goes
    data = "".join(lines).encode("utf-8").replace(b"\x00", b"\x92")  # cp1252's apostrophe

    decoded = decode_text("stray.txt", data)

    assert decoded.encoding == "utf-8"
    assert decoded.text == "".join(lines).replace("\x00", "\ufffd")
    first = TEXT.encode("utf-8").index(b"neiges") + len("neiges")
    assert decoded.note and decoded.note.startswith(
        f"20 invalid UTF-8 byte sequences replaced by \ufffd (at bytes {first}, "
    )


def test_a_short_latin_1_text_is_still_read_as_latin_1() -> None:
    decoded = decode_text(
        "court.txt", "Un café crème à emporter, s'il vous plaît.\n".encode("latin-1")
    )

    assert decoded.text == "Un café crème à emporter, s'il vous plaît.\n"
    assert decoded.note and "not UTF-8" in decoded.note


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", [TEXT * 3, "亚信会议秘书处设在阿斯塔纳，自2006年起正式运作。\n" * 3]
)
def test_utf16_without_a_byte_order_mark_is_recognised(codec: str, text: str) -> None:
    decoded = decode_text("wide.txt", text.encode(codec))

    assert decoded.text == text
    assert decoded.encoding == codec
    assert decoded.note and "no byte order mark" in decoded.note


# Memory: each hostile file with the default limits, in a process limited to 1.5 GB


@pytest.mark.parametrize("kind", sorted(hostile.HOSTILE))
def test_each_hostile_file_is_read_or_refused_within_15_gb(kind: str) -> None:
    run = hostile.read_apart(kind)

    assert run.returncode == 0, run.stderr[-2000:]  # a MemoryError would end it with 1
    result = json.loads(run.stdout.splitlines()[-1])
    if "refused" in result:
        assert "raise DOCQA_MAX_" in result["refused"]
    else:
        assert result["longest"] <= MAX_PARAGRAPH_CHARS
    assert result["max_rss_mb"] < 1_000
