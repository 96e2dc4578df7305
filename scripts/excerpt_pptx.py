"""Keep some slides of a PowerPoint deck (python-pptx), for a small test fixture cut from a real deck.

    python scripts/excerpt_pptx.py IN.pptx OUT.pptx 1 4 11 58

Slides not kept are removed with their relationships, so their pictures are not saved.
"""

from __future__ import annotations

import sys

from pptx import Presentation


def excerpt(source: str, target: str, keep: set[int]) -> None:
    prs = Presentation(source)
    ids = prs.slides._sldIdLst
    for number, sld in reversed(list(enumerate(list(ids), start=1))):
        if number not in keep:
            prs.part.drop_rel(sld.rId)
            ids.remove(sld)
    prs.save(target)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        raise SystemExit(__doc__.strip().splitlines()[2].strip())
    excerpt(sys.argv[1], sys.argv[2], {int(n) for n in sys.argv[3:]})
