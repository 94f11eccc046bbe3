"""The assistant: a question in, a cited answer (or a plain 'the documents don't say') out."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from assistant.extractive import ExtractiveEngine
from assistant.llm_engine import LLMEngine
from assistant.llm_factory import build_llm
from assistant.phrases import ABSTAIN, NO_DOCUMENTS
from assistant.question_checks import question_text, top_k_asked
from assistant.reader import Reader
from assistant.reading_engine import ReaderEngine
from assistant.settings import AssistantSettings
from assistant.types import Answer
from assistant.verify import Verifier
from store import ChromaStore, Question

# One short question per language: between them they load every embedder, jieba's dictionary,
# the keyword index and Chroma's vector indexes, all of which load on first use.
WARM_UP_QUESTIONS = ("Who?", "Qui ?", "谁？")


class Assistant:
    """Retrieval, then the extractive engine, then (when configured) the verified LLM engine.

    `llm` overrides the one the settings describe (any llama-index LLM).
    """

    def __init__(
        self, store: ChromaStore, settings: AssistantSettings | None = None, llm: Any = None
    ) -> None:
        self.store = store
        self.settings = settings or AssistantSettings()
        self.engine: ExtractiveEngine | ReaderEngine = (
            self._reader_engine()
            if self.settings.engine == "reader"
            else ExtractiveEngine(
                store,
                abstain_below=self.settings.abstain_below,
                max_sentences=self.settings.max_sentences,
            )
        )
        self.verifier = Verifier(store.embed)
        model = llm if llm is not None else build_llm(self.settings)
        judge = self.engine if isinstance(self.engine, ReaderEngine) else None
        self.llm_engine = LLMEngine(model, self.verifier, judge) if model is not None else None

    def _reader_engine(self) -> ReaderEngine:
        settings = self.settings
        reader = Reader(
            self.store.settings.models_path, self.store.settings.threads, settings.reader_weights
        )
        decision = reader.decision
        decision.check_embedder(self.store.primary_embedder)
        if settings.reader_threshold is not None:
            decision = replace(decision, threshold=settings.reader_threshold)
        return ReaderEngine(
            reader, decision, self.store, settings.max_sentences, settings.reader_candidates
        )

    def warm_up(self) -> None:
        """Pay the first question's loading (about 5 s on 2 cores) before a user asks it."""
        for question in WARM_UP_QUESTIONS:
            self.ask(question)

    def check_question(self, question: object) -> str:
        """The question as the engine reads it, or a QuestionError saying what to fix."""
        return question_text(question, self.settings.max_question_chars)

    def question(self, raw: object, filters: Mapping[str, str] | None = None) -> Question:
        """The question checked, its language detected and its words tokenized, once."""
        return Question.of(self.check_question(raw), filters)

    def ask(
        self,
        question: str | Question,
        filters: Mapping[str, str] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        """`question`: text, or a Question made by `question()` (checked, carrying its
        filters). `top_k`: paragraphs to read, 1 to MAX_TOP_K; None or 0 for the default."""
        if isinstance(question, Question):
            if filters is not None:
                raise ValueError("a Question carries its filters: pass them to question()")
            asked = question
        else:
            asked = self.question(question, filters)
        k = top_k_asked(top_k) or self.settings.top_k
        started = time.perf_counter()
        hits = self.store.search(asked, k, self.settings.search_depth)
        retrieved_at = time.perf_counter()
        language = asked.lang
        if not hits:
            empty = self.store.count() == 0  # else the filters matched nothing
            message = NO_DOCUMENTS[language] if empty else ABSTAIN[language]
            return Answer(asked.text, language, message, (), True, ())
        extract = self.engine.answer(asked, hits)
        engine = "extractive"
        if self.llm_engine is not None:
            result = self.llm_engine.answer(asked, hits, extract)
            extract, engine = result.extract, result.engine
        done = time.perf_counter()
        return Answer(
            question=asked.text,
            language=language,
            text=extract.text,
            citations=extract.citations,
            abstained=extract.abstained,
            retrieved=tuple(hits),
            timings={
                "retrieve": (retrieved_at - started) * 1000,
                "answer": (done - retrieved_at) * 1000,
            },
            confidence=extract.confidence,
            engine=engine,
            short_answer=extract.short_answer,
        )
