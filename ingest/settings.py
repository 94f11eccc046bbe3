"""Ingest settings (DOCQA_* environment variables), built at the entry points."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class IngestSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCQA_", extra="ignore")

    max_file_mb: float = Field(
        default=20.0, gt=0, description="Files larger than this are refused with a clear error."
    )

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)
