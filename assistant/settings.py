"""Assistant settings (DOCQA_* environment variables), built at the entry points."""

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigurationError

# Variables an earlier docqa read, and what replaced them: unknown DOCQA_* variables are
# ignored, so a renamed one would silently stop doing anything.
RENAMED = {"DOCQA_CANDIDATES": "DOCQA_SEARCH_DEPTH"}


class AssistantSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DOCQA_", extra="ignore")

    top_k: int = Field(
        default=5, ge=1, le=50, description="Paragraphs handed to the answer engine."
    )
    search_depth: int = Field(
        default=30, ge=1, le=200, description="Paragraphs each retriever returns before fusion."
    )
    abstain_below: float = Field(
        default=0.10,
        description="The engine declines when its best sentence scores below this "
        "(calibrated on evals/sets/seed.jsonl).",
    )
    engine: Literal["rules", "reader"] = Field(
        default="rules",
        description="Extractive answer engine: the rules engine (default), or the trained "
        "reader (experimental: train it with `make train-reader`; README, 'The reader').",
    )
    reader_weights: Path = Field(
        default=Path(__file__).parent / "models" / "reader.npz",
        description="The reader's weights (float16 npz) and, beside them, its calibration.",
    )
    reader_threshold: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description="The reader engine declines when no sentence is this likely to answer "
        "(reader and retrieval together, assistant/answer_decision.py); by default the "
        "threshold calibrated with the reader (reader.json beside its weights).",
    )
    reader_candidates: int = Field(
        default=40,
        ge=1,
        le=80,
        description="Most sentences the reader reads per question: those the answer decision "
        "finds most promising by retrieval rank and similarity to the question.",
    )
    max_sentences: int = Field(default=3, ge=1, le=10, description="Most sentences in an answer.")
    max_question_chars: int = Field(
        default=2000, ge=10, description="Longer questions are refused with a clear error."
    )
    llm: Literal["none", "openai-like", "ollama", "llama-cpp"] = Field(
        default="none",
        description="Optional LLM answer engine (needs `pip install 'docqa[llm]'`); its answers "
        "are verified sentence by sentence, with the extractive answer as fallback.",
    )
    llm_model: str = Field(
        default="", description="Model name on the server (openai-like, ollama)."
    )
    llm_url: str = Field(
        default="", description="Server address: an OpenAI-compatible /v1 base or Ollama's URL."
    )
    llm_api_key: str = Field(default="", description="API key of the OpenAI-compatible server.")
    llm_path: Path | None = Field(default=None, description="The .gguf file for llama-cpp.")
    llm_max_tokens: int = Field(default=256, ge=16, description="Most tokens the LLM writes.")
    llm_context: int = Field(default=4096, ge=512, description="llama-cpp context window.")
    llm_threads: int = Field(default=2, ge=1, description="llama-cpp CPU threads.")
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds to wait for a server.")

    def model_post_init(self, context: Any) -> None:
        for old, new in RENAMED.items():
            if old in os.environ:
                raise ConfigurationError(
                    f"{old} is now {new}: set {new}={os.environ[old]} and unset {old}"
                )
