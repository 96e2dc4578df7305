"""The ceiling `make unseen` reports (scripts/unseen_decks.py): how far the search's signals could go
if the best settings row were chosen for each question knowing its answer."""

from __future__ import annotations

from scripts.unseen_decks import ceiling, ceiling_table

# question id -> {row: the gold slide's rank among the ten cited, None when not cited}
RANKS = {
    "a": {"default": 1, "other": 3},  # the default finds it first
    "b": {"default": 2, "other": 1},  # only another row puts it first
    "c": {"default": None, "other": 7},  # the default does not cite it; another row does, late
    "d": {"default": None, "other": None},  # no row cites it
}


def test_the_best_row_for_each_question_counts_a_question_any_row_puts_first():
    out = ceiling(RANKS, {"set": ["a", "b", "c", "d"], "easy": ["a"]})
    assert out["set"] == {
        "n": 4,
        "default slide@1": 0.25,
        "default slide@10": 0.5,
        "any row slide@1": 0.5,
        "any row slide@10": 0.75,
    }
    assert out["easy"]["any row slide@1"] == 1.0


def test_the_table_says_which_sets_the_best_rows_bring_to_the_bar():
    lines = ceiling_table(ceiling(RANKS, {"unseen-9": ["a", "b", "c", "d"], "dev": ["a"]}), rows=2)
    assert "| tests/fixtures/unseen-9/ | 4 | 0.250 | 0.500 | 0.500 | 0.750 |" in lines
    assert lines[-1].endswith("reaches it on tests/decks/real/, dev split.")
