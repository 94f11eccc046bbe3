"""Named assistant errors; each message says what to do."""


class QuestionError(ValueError):
    """The question cannot be answered as given (empty, too long).

    The message is for whoever asked (capitalised, no settings named); `setting` names the
    environment variable behind a limit, for the CLI and logs to add.
    """

    def __init__(self, message: str, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


class LLMUnavailable(RuntimeError):
    """The configured LLM cannot be used (extra not installed, model file missing)."""


class ConfigurationError(ValueError):
    """Settings that cannot work together as given (e.g. the reader's decision and the store's
    embedder); the message names the setting and the fix."""
