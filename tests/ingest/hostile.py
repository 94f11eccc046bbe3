"""Hostile files, made in a few lines: compression bombs, pages of a million operations, a text on
one 15 MB line. Each is small on disk (or sparse to make) and huge to read without limits.

Run as a script (`python -m tests.ingest.hostile KIND`), it reads one of them under a 1.5 GB
address-space limit and prints what the reader did, for the test that checks none exhausts memory.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT_OPERATION = b"BT /F1 12 Tf 72 720 Td (Bomb text line.) Tj ET\n"


def deflate(chunks: Iterator[bytes]) -> bytes:
    packer = zlib.compressobj(9)
    return b"".join(packer.compress(chunk) for chunk in chunks) + packer.flush()


def repeated(unit: bytes, total: int, chunk: int = 1_000_000) -> Iterator[bytes]:
    """`unit` repeated to `total` bytes, a chunk at a time (never all in memory)."""
    block = unit * max(chunk // len(unit), 1)
    for _ in range(total // len(block)):
        yield block


def stream(data: bytes, packed: bool = True, extra: bytes = b"") -> bytes:
    codec = b"/Filter /FlateDecode " if packed else b""
    length = b"/Length " + str(len(data)).encode()
    return b"<< " + codec + length + extra + b" >>\nstream\n" + data + b"\nendstream"


def pdf(pages: list[bytes], font: bytes = HELVETICA, extra: list[bytes] | None = None) -> bytes:
    """A PDF whose pages draw the given (already packed) content streams with font /F1.

    Objects: 1 catalog, 2 page tree, 3 font, 4.. extra objects, then a page and its content each.
    """
    extra = extra or []
    first_page = 4 + len(extra)
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        font,
        *extra,
    ]
    for i, content in enumerate(pages):
        number = first_page + 2 * i
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "
            + f"{number + 1} 0 R".encode()
            + b" /Resources << /Font << /F1 3 0 R >> >> >>"
        )
        objects.append(content)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_page(lines: list[str]) -> bytes:
    """A page of ordinary text, one line every 14 points from the top."""
    content = b"".join(
        f"BT /F1 11 Tf 60 {740 - 14 * i} Td ({line}) Tj ET\n".encode()
        for i, line in enumerate(lines)
    )
    return stream(zlib.compress(content))


# The files of issue 18, and their close relatives.


def text_operations_pdf(count: int = 600_000) -> bytes:
    """One page, 600,000 text operations (83 KB packed): 6.8 GB and over 150 s unbounded."""
    return pdf([stream(deflate(repeated(TEXT_OPERATION, count * len(TEXT_OPERATION))))])


def path_bomb_pdf(megabytes: int = 200) -> bytes:
    """One page whose content inflates to 200 MB of `0 0 m` (292 KB): 417 s, 4.8 GB unbounded."""
    return pdf([stream(deflate(repeated(b"0 0 m\n", megabytes * 1_000_000)))])


def saved_states_pdf(count: int = 2_000_000) -> bytes:
    """One page saving the graphics state 2 million times (each copy ~1 KB)."""
    return pdf([stream(deflate(repeated(b"q ", 2 * count)))])


def stacked_lines_pdf(count: int = 1_500) -> bytes:
    """1,500 short lines drawn on one spot: pdfminer's layout compares them all with each other
    (1,000 took 110 s)."""
    return pdf([stream(zlib.compress(b"BT /F1 12 Tf 72 720 Td (Line.) Tj ET\n" * count))])


def cmap_bomb_pdf() -> bytes:
    """A font whose character map names 4 billion codes in one line."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
        b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange\n"
        b"endcmap end end\n"
    )
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 4 0 R >>"
    content = stream(zlib.compress(b"BT /F1 12 Tf 72 720 Td (Some text.) Tj ET\n"))
    return pdf([content], font=font, extra=[stream(zlib.compress(cmap))])


def docx_bomb(megabytes: int = 150) -> bytes:
    """A .docx (482 KB) whose word/document.xml unpacks to 150 MB: 2.3 GB unbounded."""
    from tests.ingest.documents import EN, make_docx

    template = zipfile.ZipFile(io.BytesIO(make_docx(EN)))
    out = io.BytesIO()
    paragraph = b"<w:p><w:r><w:t>" + b"All work and no play. " * 20 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in template.infolist():
            if info.filename != "word/document.xml":
                bomb.writestr(info, template.read(info))
                continue
            body = template.read(info)
            head, tail = body.split(b"<w:body>", 1)
            with bomb.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(head + b"<w:body>")
                for chunk in repeated(paragraph, megabytes * 1_000_000):
                    member.write(chunk)
                member.write(tail)
    return out.getvalue()


def docx_with_media(megabytes: int) -> bytes:
    """A .docx with a picture part of `megabytes` zeros: a few KB packed, read whole by python-docx
    (only its XML parts count against the XML limit)."""
    from tests.ingest.documents import EN, make_docx

    out = io.BytesIO(make_docx(EN))
    with (
        zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package,
        package.open("word/media/image1.png", "w") as member,
    ):
        for chunk in repeated(b"\x00", megabytes * 1_000_000):
            member.write(chunk)
    return out.getvalue()


def one_line_text(megabytes: int = 15) -> bytes:
    """A 15 MB text on one line: embedded as one paragraph, it asked for 15.7 GiB."""
    return b"".join(repeated(b"A sentence of a text without line breaks. ", megabytes * 1_000_000))


def tag_bomb_html(count: int = 1_000_000) -> bytes:
    """A million empty paragraphs in 4 MB of HTML (~1.5 KB each once parsed)."""
    return b"<html><body>" + b"<p>x" * count + b"</body></html>"


def under_the_limits_pdf(
    unit: bytes, operations: int, head: bytes = b"", tail: bytes = b""
) -> bytes:
    """The slowest PDF the default limits let through: pages of `unit` (worth `operations`
    counted operations) between `head` and `tail`, each page just under
    DOCQA_MAX_PDF_PAGE_OPS, as many pages as DOCQA_MAX_PDF_OPS allows in all (bench/hostile.py
    times it)."""
    from ingest.settings import IngestSettings

    limits = IngestSettings()
    per_page = int(0.9 * limits.max_pdf_page_ops) // operations
    pages = max(1, int(0.95 * limits.max_pdf_ops) // (per_page * operations))
    body = b"".join(repeated(unit, per_page * len(unit), chunk=len(unit) * per_page))
    return pdf([stream(zlib.compress(head + body + tail))] * pages)


# The costliest operations per byte, by what pdfminer does for each: a line of text, each on a
# line of its own (`'`: 2 operators and operands, 15 characters, and the layout's comparisons
# with its neighbours); `0 0 m` starts a path (3); `q` copies the graphics state (counted 3).
UNDER_THE_LIMITS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "under-limits-text": (
        "text.pdf",
        lambda: under_the_limits_pdf(
            b"(Bomb text line.) '\n", 40, b"BT /F1 12 Tf 14 TL 72 720 Td\n", b"ET\n"
        ),
    ),
    "under-limits-paths": ("paths.pdf", lambda: under_the_limits_pdf(b"0 0 m\n", 3)),
    "under-limits-states": ("states.pdf", lambda: under_the_limits_pdf(b"q ", 3)),
}


# Read by the memory test with the default limits (the slowest to refuse, 2 million saved
# states, is left to a test with a lower limit).
HOSTILE: dict[str, tuple[str, Callable[[], bytes]]] = {
    "text-operations": ("bomb.pdf", text_operations_pdf),
    "path-bomb": ("paths.pdf", path_bomb_pdf),
    "stacked-lines": ("stacked.pdf", stacked_lines_pdf),
    "cmap-bomb": ("cmap.pdf", cmap_bomb_pdf),
    "docx-bomb": ("bomb.docx", docx_bomb),
    "one-line": ("one-line.txt", one_line_text),
    "tag-bomb": ("tags.html", tag_bomb_html),
}
ADDRESS_SPACE = 1_500_000_000


def main(kind: str) -> None:
    """Read one hostile file under the address-space limit; print what happened as JSON."""
    name, make = {**HOSTILE, **UNDER_THE_LIMITS, "saved-states": ("q.pdf", saved_states_pdf)}[kind]
    data = make()
    from ingest import IngestError
    from ingest.readers import reader_for

    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    result: dict[str, object] = {"kind": kind, "bytes": len(data)}
    started = time.perf_counter()
    try:
        parsed = reader_for(name)(name, data)
        result["paragraphs"] = len(parsed.drafts)
        result["longest"] = max(len(draft.text) for draft in parsed.drafts)
    except IngestError as error:
        result["refused"] = str(error)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["max_rss_mb"] = peak_memory_mb()
    print(json.dumps(result))


def read_apart(kind: str, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """This script run on one kind, in a process of its own (its last line is the JSON)."""
    return subprocess.run(
        [sys.executable, "-m", "tests.ingest.hostile", kind],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def peak_memory_mb() -> float:
    """This process's peak resident memory. Not ru_maxrss: Linux keeps it across exec, so a
    process started from pytest (its models loaded) would report pytest's."""
    status = Path("/proc/self/status")
    for line in status.read_text().splitlines() if status.exists() else []:
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1000
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000


if __name__ == "__main__":
    main(sys.argv[1])
