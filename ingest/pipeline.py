"""Ingest files into the store, incrementally: unchanged paragraphs are never re-embedded."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest.decode import check_size, read_limited
from ingest.errors import IngestError
from ingest.readers import READERS, ParsedDocument, reader_for
from ingest.settings import IngestSettings
from store import ChromaStore, Paragraph, content_hash, detect_language, paragraph_id


@dataclass(frozen=True)
class DocumentReport:
    """What one file did to the store; `error` is set (and nothing changed) when it failed."""

    source: str
    doc_id: str | None = None
    paragraphs: int = 0
    added: int = 0
    kept: int = 0
    replaced: int = 0
    removed: int = 0
    embedded: int = 0
    note: str | None = None
    error: str | None = None

    @property
    def status(self) -> str:
        if self.error:
            return "error"
        if self.added == self.paragraphs and not self.removed and not self.replaced:
            return "added"
        if self.added or self.replaced or self.removed:
            return "replaced"
        return "unchanged"


@dataclass
class IngestReport:
    documents: list[DocumentReport] = field(default_factory=list)

    @property
    def failed(self) -> list[DocumentReport]:
        return [d for d in self.documents if d.error]

    def total(self, name: str) -> int:
        return sum(int(getattr(d, name)) for d in self.documents if not d.error)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files to ingest: files as given, folders walked for the formats docqa reads."""
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist; check the path")
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in READERS
            )
        else:
            yield path


def to_paragraphs(parsed: ParsedDocument, source: str) -> list[Paragraph]:
    paragraphs = []
    for ordinal, draft in enumerate(parsed.drafts, start=1):
        paragraphs.append(
            Paragraph(
                id=paragraph_id(parsed.doc_id, ordinal),
                doc_id=parsed.doc_id,
                doc_title=parsed.title,
                source=source,
                ordinal=ordinal,
                section=draft.section,
                page=draft.page,
                lang=detect_language(draft.text),
                text=draft.text,
                start=draft.start,
                end=draft.end,
                content_hash=content_hash(draft.text),
            )
        )
    return paragraphs


class Ingestor:
    """Parses files and syncs their paragraphs into a store."""

    def __init__(self, store: ChromaStore, settings: IngestSettings | None = None) -> None:
        self.store = store
        self.settings = settings or IngestSettings()

    def ingest_paths(self, paths: Iterable[Path], progress: bool = False) -> IngestReport:
        report = IngestReport()
        with self.store.writer():
            self.store.complete()
            for path in iter_files(paths):
                report.documents.append(self._ingest_file(path, progress))
        return report

    def ingest_bytes(self, name: str, data: bytes, source: str | None = None) -> DocumentReport:
        """Ingest an uploaded file's content under its (checked) file name."""
        with self.store.writer():
            return self._sync(name, data, source or name, progress=False)

    def _ingest_file(self, path: Path, progress: bool) -> DocumentReport:
        try:
            reader_for(path.name)
            data = read_limited(path, self.settings.max_bytes)
        except (IngestError, OSError) as exc:
            return DocumentReport(source=str(path), error=str(exc))
        return self._sync(path.name, data, str(path.resolve()), progress)

    def _sync(self, name: str, data: bytes, source: str, progress: bool) -> DocumentReport:
        try:
            check_size(name, len(data), self.settings.max_bytes)
            parsed = reader_for(name)(name, data)
        except IngestError as exc:
            return DocumentReport(source=source, error=str(exc))
        new = to_paragraphs(parsed, source)
        old = {p.id: p for p in self.store.paragraphs(parsed.doc_id)}
        changed = [p for p in new if old.get(p.id) != p]
        removed = [i for i in old if i not in {p.id for p in new}]
        bar = tqdm(
            total=len(changed),
            desc=name,
            unit="¶",
            disable=not progress or not changed,
            leave=False,
        )
        with bar:
            embedded = self.store.write(changed, on_progress=bar.update)
        self.store.delete(removed)
        added = sum(1 for p in new if p.id not in old)
        replaced = sum(
            1 for p in changed if p.id in old and old[p.id].content_hash != p.content_hash
        )
        return DocumentReport(
            source=source,
            doc_id=parsed.doc_id,
            paragraphs=len(new),
            added=added,
            kept=len(new) - added - replaced,  # unchanged, or only metadata moved
            replaced=replaced,
            removed=len(removed),
            embedded=embedded,
            note=parsed.note,
        )
