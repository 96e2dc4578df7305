import math

import pytest

from qa.fusion import group_by_slide, ranked, weighted_zscore_fusion, zscores
from qa.signals import Signal


def test_zscores_standardise_and_handle_ties():
    z = zscores({1: 1.0, 2: 2.0, 3: 3.0})
    assert z[2] == pytest.approx(0.0) and z[3] == pytest.approx(math.sqrt(1.5))
    assert zscores({1: 5.0, 2: 5.0}) == {1: 0.0, 2: 0.0}


def test_weighted_zscore_fusion_fills_missing_candidates():
    dense = {1: 0.9, 2: 0.5}  # a top-n list: passage 3 was below it
    keyword = {3: 4.0}  # BM25: 1 and 2 matched no word
    fused = weighted_zscore_fusion([Signal("dense", dense, 1.0, None), Signal("keyword", keyword, 1.0, 0.0)])
    # dense over {1,2,3} with 3 filled by the minimum 0.5; keyword with 0 for 1 and 2
    zd = zscores({1: 0.9, 2: 0.5, 3: 0.5})
    zk = zscores({1: 0.0, 2: 0.0, 3: 4.0})
    assert fused == pytest.approx({k: zd[k] + zk[k] for k in (1, 2, 3)})
    assert weighted_zscore_fusion([Signal("dense", dense, 0.0, None), Signal("keyword", keyword, 0.0, 0.0)]) == {}


def test_weighted_zscore_fusion_keeps_each_score_with_its_own_key():
    # keys out of order and far apart, weights apart from 1, and a flat signal that adds nothing
    dense = {40: 0.2, 7: 0.9, 1000: 0.4}
    keyword = {1000: 3.0, 3: 1.0}
    flat = {7: 2.0, 40: 2.0, 3: 2.0, 1000: 2.0}
    fused = weighted_zscore_fusion(
        [Signal("dense", dense, 0.5, None), Signal("keyword", keyword, 2.0, 0.0), Signal("flat", flat, 1.0, None)]
    )
    keys = (3, 7, 40, 1000)
    zd = zscores({k: dense.get(k, 0.2) for k in keys})
    zk = zscores({k: keyword.get(k, 0.0) for k in keys})
    assert list(fused) == list(keys)
    assert fused == pytest.approx({k: 0.5 * zd[k] + 2.0 * zk[k] for k in keys})


def test_group_by_slide_caps_and_orders():
    ranking = ranked({0: 9.0, 1: 8.0, 2: 7.0, 3: 6.0, 4: 5.0})
    slide_of = [("d", 1), ("d", 1), ("d", 1), ("d", 2), ("d", 1)]
    assert group_by_slide(ranking, slide_of, k=10, more=2) == [((0, 9.0), [(1, 8.0), (2, 7.0)]), ((3, 6.0), [])]
    assert group_by_slide(ranking, slide_of, k=1, more=0) == [((0, 9.0), [])]
    # the fifth passage of slide 1 is not dropped for its rank: it is under the slide, when there is room
    assert group_by_slide(ranking, slide_of, k=2, more=5)[0][1] == [(1, 8.0), (2, 7.0), (4, 5.0)]
