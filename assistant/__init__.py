"""assistant: retrieval and the answer engine that cites paragraphs."""

from assistant.contract import answer_json
from assistant.engine import Assistant
from assistant.errors import ConfigurationError, QuestionError
from assistant.settings import AssistantSettings
from assistant.types import Answer, Citation
from store import Hit

__all__ = [
    "Answer",
    "Assistant",
    "AssistantSettings",
    "Citation",
    "ConfigurationError",
    "Hit",
    "QuestionError",
    "answer_json",
]
