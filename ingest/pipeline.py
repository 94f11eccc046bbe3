"""Ingest files into the store, incrementally: unchanged paragraphs are never re-embedded."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from tqdm import tqdm

from ingest.decode import check_size, read_limited
from ingest.errors import IngestError
from ingest.file_walk import PassedOver, named_files
from ingest.readers import ParsedDocument, document_id, reader_for
from ingest.settings import IngestSettings
from store import ChromaStore, Paragraph, content_hash, paragraph_id
from text import detect_language


@dataclass(frozen=True)
class DocumentReport:
    """What one file did to the store; `error` is set (and nothing changed) when it failed."""

    source: str
    doc_id: str | None = None
    title: str | None = None  # the document's title, as readers extract it
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


@dataclass
class _Planned:
    """A parsed file and what it changes in the store, before it is written."""

    source: str
    parsed: ParsedDocument
    new: list[Paragraph]
    old: dict[str, Paragraph]
    superseded: list[str]  # rows of the same file stored under another id (an older id rule)

    @cached_property
    def changed(self) -> list[Paragraph]:
        return [p for p in self.new if self.old.get(p.id) != p]

    @cached_property
    def removed(self) -> list[str]:
        ids = {p.id for p in self.new}
        return [i for i in self.old if i not in ids] + self.superseded

    def report(self, embedded: set[str]) -> DocumentReport:
        added = sum(1 for p in self.new if p.id not in self.old)
        replaced = sum(
            1
            for p in self.changed
            if p.id in self.old and self.old[p.id].content_hash != p.content_hash
        )
        return DocumentReport(
            source=self.source,
            doc_id=self.parsed.doc_id,
            title=self.parsed.title,
            paragraphs=len(self.new),
            added=added,
            kept=len(self.new) - added - replaced,  # unchanged, or only metadata moved
            replaced=replaced,
            removed=len(self.removed),
            embedded=sum(1 for p in self.new if p.id in embedded),
            note=self.parsed.note,
        )


class Ingestor:
    """Parses files and syncs their paragraphs into a store.

    Files are written together, up to WRITE_BATCH changed paragraphs at a time (whole documents,
    so a killed ingest still leaves whole documents): one embedder call, upsert and translation
    search per batch instead of per file. Per file, 10-paragraph files took 0.70 of the raw
    embedder's speed (USE), mostly per-call costs.
    """

    # Two embedder batches (EMBED_BATCH): larger gains little, and loses more to a kill.
    WRITE_BATCH = 64

    def __init__(self, store: ChromaStore, settings: IngestSettings | None = None) -> None:
        self.store = store
        self.settings = settings or IngestSettings()

    def ingest_paths(self, paths: Iterable[Path], progress: bool = False) -> IngestReport:
        report = IngestReport()
        pending: list[_Planned] = []
        with self.store.writer():
            self.store.complete()
            for named in named_files(paths):
                if isinstance(named, PassedOver):
                    report.documents.append(DocumentReport(str(named.path), error=named.reason))
                    continue
                planned = self._plan_file(*named)
                if isinstance(planned, DocumentReport):
                    report.documents.append(planned)
                    continue
                if any(p.parsed.doc_id == planned.parsed.doc_id for p in pending):
                    report.documents.extend(self._apply(pending, progress))  # it compares
                    pending = []  # against what the first file wrote
                    planned = self._plan(planned.source, planned.parsed)
                pending.append(planned)
                if sum(len(p.changed) for p in pending) >= self.WRITE_BATCH:
                    report.documents.extend(self._apply(pending, progress))
                    pending = []
            report.documents.extend(self._apply(pending, progress))
        return report

    def ingest_bytes(self, name: str, data: bytes, source: str | None = None) -> DocumentReport:
        """Ingest an uploaded file's content under its (checked) file name."""
        with self.store.writer():
            planned = self._parse(name, data, source or name)
            if isinstance(planned, DocumentReport):
                return planned
            return self._apply([planned], progress=False)[0]

    def remove(self, doc_id: str) -> int:
        """Remove a document (UnknownDocument if the store has none of that id); returns how
        many paragraphs it had. Under the writer lock, or a server's lease, like any change."""
        with self.store.writer(), self.store.exclusive():
            return self.store.delete_document(doc_id)

    def _plan_file(self, path: Path, doc_id: str) -> _Planned | DocumentReport:
        try:
            reader_for(path.name)
            for part in doc_id.split("/"):
                document_id(part)  # a folder's name too: no control characters
            data = read_limited(path, self.settings.max_bytes)
        except (IngestError, OSError) as exc:
            return DocumentReport(source=str(path), error=str(exc))
        return self._parse(path.name, data, str(path.resolve()), doc_id)

    def _parse(
        self, name: str, data: bytes, source: str, doc_id: str | None = None
    ) -> _Planned | DocumentReport:
        try:
            check_size(name, len(data), self.settings.max_bytes)
            parsed = reader_for(name)(name, data, self.settings)
        except IngestError as exc:
            return DocumentReport(source=source, error=str(exc))
        if doc_id is not None:  # readers name a document by its file name alone
            parsed = replace(parsed, doc_id=doc_id)
        return self._plan(source, parsed)

    def _plan(self, source: str, parsed: ParsedDocument) -> _Planned:
        old = {p.id: p for p in self.store.paragraphs(parsed.doc_id)}
        # A file in a subfolder was once named by its file name alone: stored under that id,
        # it is replaced by its new one, not kept beside it (uploads have no path: none).
        earlier = self.store.documents_from(source) if Path(source).is_absolute() else {}
        superseded = [i for doc, ids in earlier.items() if doc != parsed.doc_id for i in ids]
        return _Planned(source, parsed, to_paragraphs(parsed, source), old, superseded)

    def _apply(self, planned: list[_Planned], progress: bool) -> list[DocumentReport]:
        """Write the planned documents' changes in one store change, with their removals."""
        if not planned:
            return []
        with self.store.exclusive():
            # Planned again from what is stored now: on a Chroma server another writer may
            # have written these document ids since (the same file names in another folder).
            planned = [self._plan(plan.source, plan.parsed) for plan in planned]
            changed = [p for plan in planned for p in plan.changed]
            bar = tqdm(
                total=len(changed),
                desc=planned[0].parsed.doc_id if len(planned) == 1 else f"{len(planned)} files",
                unit="¶",
                disable=not progress or not changed,
                leave=False,
            )
            removed = [i for plan in planned for i in plan.removed]
            with bar:
                embedded = set(self.store.replace(changed, removed, on_progress=bar.update))
        return [plan.report(embedded) for plan in planned]
