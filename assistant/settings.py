"""Assistant settings (DOCQA_* environment variables), built at the entry points."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AssistantSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCQA_", extra="ignore")

    top_k: int = Field(
        default=8, ge=1, le=50, description="Paragraphs handed to the answer engine."
    )
    candidates: int = Field(
        default=30, ge=1, le=200, description="Paragraphs each retriever returns before fusion."
    )
    abstain_below: float = Field(
        default=0.10,
        description="The engine declines when its best sentence scores below this "
        "(calibrated on evals/sets/seed.jsonl).",
    )
    max_sentences: int = Field(default=3, ge=1, le=10, description="Most sentences in an answer.")
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longer questions are refused with a clear error."
    )
