"""Build the configured llama-index LLM (the `llm` extra: `pip install 'docqa[llm]'`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.errors import LLMUnavailable
from assistant.settings import AssistantSettings

EXTRA_HINT = "install the LLM extra: pip install 'docqa[llm]' (or pip install -e '.[llm]')"


def build_llm(settings: AssistantSettings) -> Any | None:
    """None for the extractive engine alone; else a llama_index LLM, deterministic (T=0)."""
    kind = settings.llm
    if kind == "none":
        return None
    try:
        if kind == "llama-cpp":
            return _llama_cpp(settings)
        if kind == "ollama":
            from llama_index.llms.ollama import Ollama

            return Ollama(
                model=_required(settings.llm_model, "DOCQA_LLM_MODEL"),
                base_url=settings.llm_url or "http://127.0.0.1:11434",
                temperature=0.0,
                request_timeout=settings.llm_timeout,
            )
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(
            model=_required(settings.llm_model, "DOCQA_LLM_MODEL"),
            api_base=_required(settings.llm_url, "DOCQA_LLM_URL"),
            api_key=settings.llm_api_key or "unused",
            temperature=0.0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout,
            is_chat_model=False,
        )
    except ImportError as exc:
        raise LLMUnavailable(f"DOCQA_LLM={kind} needs {exc.name}: {EXTRA_HINT}") from exc


def _llama_cpp(settings: AssistantSettings) -> Any:
    from llama_index.llms.llama_cpp import LlamaCPP

    path = Path(_required(str(settings.llm_path or ""), "DOCQA_LLM_PATH"))
    if not path.is_file():
        raise LLMUnavailable(f"DOCQA_LLM_PATH={path} is not a file: give the path of a .gguf model")
    return LlamaCPP(
        model_path=str(path),
        temperature=0.0,
        max_new_tokens=settings.llm_max_tokens,
        context_window=settings.llm_context,
        model_kwargs={"n_threads": settings.llm_threads, "seed": 0},
        completion_to_prompt=lambda prompt: prompt,  # our prompt is complete as written
        verbose=False,
    )


def _required(value: str, variable: str) -> str:
    if not value:
        raise LLMUnavailable(f"{variable} is not set: the configured LLM needs it")
    return value
