"""The test encoder (qa/hash_encoder.py): deterministic, normalised, and closer for texts that share words."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from qa.encoders import load_encoder
from qa.hash_encoder import HashEncoder, features

TEXTS = [
    "EU: 研究開発枠組み「ホライゾン・ヨーロッパ」7年間で総額955億ユーロを投資",
    "The fictional quantum plan has a budget of 333 billion yen",
    "",
    "   ",
]


def test_rows_are_unit_float32_of_the_stated_dimension():
    encoder = HashEncoder()
    for rows in (encoder.encode_passages(TEXTS), encoder.encode_queries(TEXTS)):
        assert rows.dtype == np.float32 and rows.shape == (len(TEXTS), encoder.dim)
        assert rows.flags["C_CONTIGUOUS"]
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert encoder.encode_passages([]).shape == (0, encoder.dim)


def test_the_same_text_gives_the_same_row_in_every_process():
    here = HashEncoder().encode_queries(TEXTS[:2])
    code = (
        "from qa.hash_encoder import HashEncoder; "
        f"print(HashEncoder().encode_queries({TEXTS[:2]!r}).tobytes().hex())"
    )
    for seed in ("0", "7"):  # other interpreters, other string-hash salts: BLAKE2b does not depend on them
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
        assert done.returncode == 0, done.stderr[-500:]
        assert bytes.fromhex(done.stdout.strip()) == here.tobytes()
    assert np.array_equal(HashEncoder().encode_passages(TEXTS[:2]), here)  # queries and passages alike


def test_texts_that_share_words_are_closer_than_unrelated_ones():
    encoder = HashEncoder()
    question, near, far = encoder.encode_queries(
        ["ホライゾン・ヨーロッパの投資総額", TEXTS[0], "Robot budgets grew in 2023 in this new deck"]
    )
    assert question @ near > 0.3 > abs(question @ far)
    english = encoder.encode_queries(["quantum plan budget", TEXTS[1], "Horizon Europe"])
    assert english[0] @ english[1] > english[0] @ english[2]


def test_nfkc_and_case_do_not_change_the_row():
    encoder = HashEncoder()
    wide, narrow = encoder.encode_queries(["ＥＵのﾎﾗｲｿﾞﾝ Budget", "euのホライゾン budget"])
    assert np.array_equal(wide, narrow)
    assert "w:budget" in features("BUDGET") and "3:bud" in features("Budget")


def test_it_is_a_built_in_model_name():
    encoder = load_encoder("hash")
    assert encoder.model_id == "hash-test/1" and encoder.dim == HashEncoder().dim
    assert np.array_equal(encoder.encode_queries(TEXTS[:1]), HashEncoder().encode_queries(TEXTS[:1]))
    assert load_encoder("hash") is encoder  # loaded once


def test_a_hash_index_builds_and_answers_without_latent_terms(plumbing_searcher):
    index = plumbing_searcher.index
    assert index.manifest["model"] == "hash-test/1" and index.vectors.d == HashEncoder().dim
    assert "latent" not in index.manifest["inputs"]["components"]
    answer = plumbing_searcher.search("EUのホライゾン・ヨーロッパの投資総額は？", k=3)
    assert len(answer.hits) == 3 and any("955億ユーロ" in h.text for h in answer.hits)
    for mode in ("dense", "keyword"):
        assert plumbing_searcher.search("ホライゾン・ヨーロッパ", k=2, mode=mode).hits
