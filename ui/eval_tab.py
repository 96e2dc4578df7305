"""The "Batch evaluation" tab: upload a question file, run it, see metrics and misses, download the report.

Built inside the caller's gr.Blocks / gr.Tab; the work is qa.evaluation's.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import gradio as gr
import pandas as pd
from gradio.utils import get_upload_folder

from qa.errors import QAError
from qa.evaluation import evaluate, parse_questions, write_report
from qa.evaluation.report import TABLE_COLUMNS, metrics_table, misses_rows
from qa.formatting import short_title
from qa.search import MODES, Searcher

from .received import ReceivedFiles

MAX_UPLOAD_BYTES = 2_000_000  # a question file
# Questions one run of the tab evaluates: about 20 s of server time at k=50 (`qa eval` has no limit).
MAX_QUESTIONS = 500

UPLOAD_SUFFIXES = (".jsonl", ".csv")
MISS_COLUMNS = ("id", "lang", "question", "gold", "見つかったもの / found instead")
MISS_WIDTHS = ["9%", "6%", "40%", "20%", "25%"]
DECIMALS = 3

METRICS_HELP = (
    "**hit@k**: 正解スライドが上位k件に入った質問の割合 / share of questions with a right slide in the top k. "
    "**mrr@10**: 最初の正解の順位の逆数の平均 (1 = いつも1位) / mean of 1 ÷ the first right rank (1 = always first). "
    "**ndcg@10**: 正解が上位にあるほど高い (0–1) / higher when right slides rank higher (0–1). "
    "**p50 / p95 ms**: 検索時間の中央値・95パーセンタイル / median and 95th-percentile search time."
)


def rounded(rows: list[list]) -> list[list]:
    """Metrics to DECIMALS places and timings to whole milliseconds: more digits only add noise."""
    out = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, float):
                value = round(value) if TABLE_COLUMNS[i].endswith("ms") else round(value, DECIMALS)
            cells.append(value)
        out.append(cells)
    return out


INTRO = (
    "質問ファイル（JSON Lines または CSV）をアップロードして検索の精度を測ります。"
    " 各行に `question` と、正解の `slides`（スライド番号）か `answers`（答えの文字列）を書いてください。"
    "  \nUpload a question file (JSON Lines or CSV): each row has a `question` and its gold `slides` "
    "and/or `answers`; CSV cells hold several values separated by `|`."
)


def found_instead(searcher: Searcher, result, n: int = 3) -> str:
    """The top slides a missed question got, each with its title: what the search found instead."""
    several = len(searcher.documents()) > 1
    items = []
    slides = list(dict.fromkeys((r.doc, r.slide) for r in result.top))[:n]  # each slide once
    for doc, number in slides:
        slide = searcher.slide(doc, number)
        title = short_title(slide.title, 24) if slide else ""
        where = f"{doc}:{number}" if several else str(number)
        items.append(f"{where}「{title}」")
    return " · ".join(items)


class EvalTab:
    """The tab's handler: checks the upload, evaluates it and packs the report."""

    def __init__(self, searcher: Searcher, received: ReceivedFiles, *, max_upload_bytes: int) -> None:
        self.searcher = searcher
        self.received = received
        self.max_upload_bytes = max_upload_bytes

    def read_upload(self, path: str | None) -> tuple[bytes, str]:
        """The uploaded file's bytes and name, read from Gradio's upload folder only."""
        if not path:
            raise QAError("ファイルを選んでください / Choose a question file first.")
        file = self.received.check(path)
        if file.suffix.lower() not in UPLOAD_SUFFIXES:
            raise QAError(f"{file.name}: JSONL または CSV のみ / only .jsonl or .csv question files are accepted here.")
        size = file.stat().st_size
        if size > self.max_upload_bytes:
            raise QAError(
                f"{file.name}: {size / 1e6:.1f} MB — 上限は / the limit is {self.max_upload_bytes / 1e6:.1f} MB."
            )
        return file.read_bytes(), file.name

    def run(self, path: str | None, k: float, mode: str, progress=gr.Progress()):
        """(status Markdown, metric table, misses table, report zip) for an uploaded question file."""
        empty = (pd.DataFrame(columns=TABLE_COLUMNS), pd.DataFrame(columns=MISS_COLUMNS), None)
        try:
            try:
                data, name = self.read_upload(path)
            finally:
                self.received.discard(path or "")
            questions = parse_questions(data, name, allowed=("jsonl", "csv"))
            if len(questions.questions) > MAX_QUESTIONS:
                raise QAError(
                    f"{name}: {len(questions.questions)} 問 — ここでは {MAX_QUESTIONS} 問まで / "
                    f"{MAX_QUESTIONS} questions at most here; evaluate larger sets with `qa eval` on the command line"
                )
            mode = mode if mode in MODES else "hybrid"
            k = max(1, min(int(k or 10), 50))
            progress((0, len(questions.questions)), desc="評価中 / evaluating", unit="questions")
            result = evaluate(
                self.searcher,
                questions.questions,
                k=k,
                mode=mode,
                progress=lambda done, total: progress((done, total), desc="評価中 / evaluating", unit="questions"),
                name=name,
            )
        except QAError as exc:
            return (f"**エラー / Error:** {exc}", *empty)
        archive = pack_report(result, Path(name).stem)
        lines = [
            f"**{name}**: {result.n} 問 / questions · top {result.k} · {result.mode} · "
            f"{len(result.misses)} 件の取りこぼし / missed"
        ]
        problems = questions.problems + result.problems
        if problems:
            lines.append(f"\n{len(problems)} 件の注意 / notes:")
            lines += [f"- {p}" for p in problems[:20]]
            if len(problems) > 20:
                lines.append(f"- … {len(problems) - 20} more in the report")
        return (
            "\n".join(lines),
            pd.DataFrame(rounded(metrics_table(result)), columns=TABLE_COLUMNS),
            pd.DataFrame(misses_rows(result, lambda r: found_instead(self.searcher, r)), columns=MISS_COLUMNS),
            archive,
        )


def pack_report(result, stem: str) -> str:
    """The report as a zip in Gradio's cache folder, which Gradio empties of old files (ui.app CACHE_CLEANUP);
    the report's own files are removed at once."""
    target = Path(get_upload_folder()) / "qa-eval" / uuid.uuid4().hex
    target.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="qa-eval-") as tmp:
        write_report(result, Path(tmp) / "report")
        return shutil.make_archive(str(target / f"{stem}-report"), "zip", Path(tmp) / "report")


def build_eval_tab(
    searcher: Searcher, received: ReceivedFiles, *, max_upload_bytes: int = MAX_UPLOAD_BYTES
) -> EvalTab:
    """Create the tab's components in the current Blocks context and wire them up."""
    tab = EvalTab(searcher, received, max_upload_bytes=max_upload_bytes)
    gr.Markdown(INTRO)
    with gr.Row():
        upload = gr.File(
            label=f"質問ファイル / Question file (.jsonl, .csv; ≤ {max_upload_bytes / 1e6:.1f} MB)",
            file_types=list(UPLOAD_SUFFIXES),
            type="filepath",
            elem_id="qa-eval-file",
        )
        with gr.Column():
            k = gr.Slider(1, 50, value=10, step=1, label="k (passages per question)", elem_id="qa-eval-k")
            mode = gr.Radio(list(MODES), value="hybrid", label="mode", elem_id="qa-eval-mode")
            run = gr.Button("評価する / Evaluate", variant="primary", elem_id="qa-eval-run")
    status = gr.Markdown(elem_id="qa-eval-status")
    table = gr.Dataframe(
        headers=list(TABLE_COLUMNS),
        label="言語別の指標 / Metrics by language",
        interactive=False,
        elem_id="qa-eval-table",
    )
    gr.Markdown(METRICS_HELP, elem_id="qa-eval-help")
    misses = gr.Dataframe(
        headers=list(MISS_COLUMNS),
        label="取りこぼし / Misses",
        interactive=False,
        wrap=True,
        column_widths=MISS_WIDTHS,
        elem_id="qa-eval-misses",
    )
    report = gr.File(label="レポート / Report (zip)", interactive=False, elem_id="qa-eval-report")
    run.click(
        tab.run,
        [upload, k, mode],
        [status, table, misses, report],
        api_name="evaluate",
        concurrency_limit=1,
        concurrency_id="eval",
        show_progress_on=[status],  # one progress bar, not one per output
    )
    return tab
