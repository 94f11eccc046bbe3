"""evals: evaluation sets and the scorer for retrieval, citations, answers and abstention."""

from evals.metrics import QuestionScore, score_answer, summarize, summarize_slices
from evals.runner import EvalRun, default_eval_set, format_summary, run_eval, run_eval_file
from evals.schema import EvalItem, EvalSetError, GoldQuote, load_eval_set

__all__ = [
    "EvalItem",
    "EvalRun",
    "EvalSetError",
    "GoldQuote",
    "QuestionScore",
    "default_eval_set",
    "format_summary",
    "load_eval_set",
    "run_eval",
    "run_eval_file",
    "score_answer",
    "summarize",
    "summarize_slices",
]
