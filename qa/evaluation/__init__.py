"""Batch evaluation of question sets (formats, relevance, metrics, reports).

questions = read_questions(Path("corpus/questions/briefing.jsonl"))
result = evaluate(searcher, questions.questions, k=10, mode="hybrid")
result.to_json()  # the `qa eval --json` object
"""

# Imported on first use: `qa ask` loads this package for its CLI and must not pay for
# scipy and ir-measures (cold start, memory).
_WHERE = {
    "Comparison": "compare",
    "EvalQuestion": "formats",
    "EvalResult": "runner",
    "METRIC_KEYS": "metrics",
    "QuestionResult": "runner",
    "QuestionSet": "formats",
    "RelevanceJudge": "relevance",
    "compare": "compare",
    "evaluate": "runner",
    "format_comparison": "compare",
    "is_relevant": "relevance",
    "load_report": "compare",
    "markdown_summary": "report",
    "match_key": "relevance",
    "metrics_table": "report",
    "parse_questions": "formats",
    "read_questions": "formats",
    "squad_searcher": "squad",
    "write_report": "report",
}


def __getattr__(name: str):
    if name in _WHERE:
        from importlib import import_module

        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        # Importing the submodule `compare` binds the package attribute to the module;
        # the function of the same name must win, as with an eager `from .compare import compare`.
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
