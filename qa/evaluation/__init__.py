"""Batch evaluation of question sets (formats, relevance, metrics, reports).

questions = read_questions(Path("corpus/questions/briefing.jsonl"))
result = evaluate(searcher, questions.questions, k=10, mode="hybrid")
result.to_json()  # the `qa eval --json` object
"""

from .compare import Comparison, compare, format_comparison, load_report
from .formats import EvalQuestion, QuestionSet, parse_questions, read_questions
from .metrics import METRIC_KEYS
from .relevance import RelevanceJudge, is_relevant, match_key
from .report import markdown_summary, metrics_table, write_report
from .runner import EvalResult, QuestionResult, evaluate
from .squad import squad_searcher

__all__ = [
    "METRIC_KEYS",
    "Comparison",
    "EvalQuestion",
    "EvalResult",
    "QuestionResult",
    "QuestionSet",
    "RelevanceJudge",
    "compare",
    "evaluate",
    "format_comparison",
    "is_relevant",
    "load_report",
    "markdown_summary",
    "match_key",
    "metrics_table",
    "parse_questions",
    "read_questions",
    "squad_searcher",
    "write_report",
]
