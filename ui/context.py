"""Build the store, ingestor and assistant from DOCQA_* settings (entry points only)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from assistant import Assistant, AssistantSettings
from ingest import Ingestor, IngestSettings
from store import ChromaStore, StoreSettings


@dataclass
class Context:
    store_settings: StoreSettings
    assistant_settings: AssistantSettings
    ingest_settings: IngestSettings

    @classmethod
    def from_env(cls) -> Context:
        return cls(StoreSettings(), AssistantSettings(), IngestSettings())

    @cached_property
    def store(self) -> ChromaStore:
        return ChromaStore.open(self.store_settings)

    @cached_property
    def assistant(self) -> Assistant:
        return Assistant(self.store, self.assistant_settings)

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(self.store, self.ingest_settings)
