"""What reading one file may cost, checked while it is read: each refusal names the file, the
limit and the DOCQA_* setting that raises it. A refused file changes nothing in the store."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.errors import FileTooLarge
from ingest.settings import IngestSettings


@dataclass
class Budget:
    """The limits of one file being read (its name for the messages)."""

    name: str
    settings: IngestSettings

    @classmethod
    def of(cls, name: str, settings: IngestSettings | None) -> Budget:
        return cls(name, settings if settings is not None else IngestSettings())

    def check_chars(self, total: int) -> None:
        limit = self.settings.max_file_chars
        if total > limit:
            raise FileTooLarge(
                f"{self.name} holds more than {limit:,} characters of text; split it, or "
                "raise DOCQA_MAX_FILE_CHARS"
            )

    def check_paragraphs(self, count: int) -> None:
        limit = self.settings.max_paragraphs
        if count > limit:
            raise FileTooLarge(
                f"{self.name} holds more than {limit:,} paragraphs; split it, or raise "
                "DOCQA_MAX_PARAGRAPHS"
            )

    def check_unpacked(self, size: int, what: str, exact: bool = True, times: int = 1) -> None:
        """`what` unpack to `size` bytes, against `times` DOCQA_MAX_UNPACKED_MB; not `exact`
        when the unpacking stopped at the limit."""
        limit = self.settings.max_unpacked_bytes * times
        if size > limit:
            amount = f"{size / 1e6:.0f} MB, over" if exact else "more than"
            setting = f"{times} × DOCQA_MAX_UNPACKED_MB; " if times > 1 else ""
            raise FileTooLarge(
                f"{self.name}: {what} unpack to {amount} the {limit / 1e6:g} MB limit ({setting}"
                "a compression bomb?); split the document, or raise DOCQA_MAX_UNPACKED_MB"
            )
