"""Named assistant errors; each message says what to do."""


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, too long)."""


class LLMUnavailable(RuntimeError):
    """The configured LLM cannot be used (extra not installed, model file missing)."""
