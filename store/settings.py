"""Store settings, read from DOCQA_* environment variables at the entry points only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_store_path() -> Path:
    return Path(user_data_dir("docqa", appauthor=False)) / "store"


def default_models_path() -> Path:
    return Path(user_data_dir("docqa", appauthor=False)) / "models"


class StoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCQA_", extra="ignore")

    store_path: Path = Field(
        default_factory=default_store_path,
        description="Folder of the embedded on-disk Chroma store; with chroma_url it keeps "
        "only the BM25 index built from the server's collection.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8765); switches off the "
        "on-disk store.",
    )
    collection: str = Field(
        default="docqa", description="Prefix of the Chroma collections docqa writes."
    )
    # NoDecode: the variable is a comma-separated list (DOCQA_EMBEDDERS=use,e5), not JSON.
    embedders: Annotated[tuple[str, ...], NoDecode] = Field(
        default=("use", "e5"),
        description="Dense embedders to index with, comma-separated: use, e5. The first one "
        "holds the canonical paragraph records.",
    )
    threads: int = Field(default=2, ge=1, description="CPU threads each embedder may use.")
    models_path: Path = Field(
        default_factory=default_models_path,
        description="Folder of the int8 models built from installed weights on first use "
        "(e5's and the reader's graphs), named by their weights' digest.",
    )

    @field_validator("embedders", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value
