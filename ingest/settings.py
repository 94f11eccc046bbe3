"""Ingest settings (DOCQA_* environment variables), built at the entry points.

Besides the file size, each file is read within budgets checked while it is read (never after):
a hostile file (a compression bomb, a page of a million drawing operations, a 15 MB line) is
refused with its limit and the setting that raises it named, before it can exhaust memory.
"""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCQA_", extra="ignore")

    max_file_mb: float = Field(
        default=20.0, gt=0, description="Files larger than this are refused with a clear error."
    )
    max_file_chars: int = Field(
        default=5_000_000, gt=0, description="Characters of text one file may hold (any format)."
    )
    max_paragraphs: int = Field(
        default=20_000, gt=0, description="Paragraphs one file may hold (after long ones split)."
    )
    max_unpacked_mb: float = Field(
        default=50.0,
        gt=0,
        description="What one file may unpack to: a .docx's XML parts, a PDF's page contents.",
    )
    max_pdf_page_ops: int = Field(
        default=200_000,
        gt=0,
        description="Work on one PDF page: content operators and operands, characters drawn, "
        "line comparisons while laying it out.",
    )
    max_pdf_ops: int = Field(
        # The slowest PDF within it reads in about 17 s on 2 cores (bench/hostile.py; 45 s at
        # twice the limit: not linear); a page of dense text is 5,000-10,000 operations.
        default=4_000_000,
        gt=0,
        description="The same work over a whole PDF.",
    )
    max_html_tags: int = Field(default=200_000, gt=0, description="Tags one HTML file may hold.")

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1_000_000)
