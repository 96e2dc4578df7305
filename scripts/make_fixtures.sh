#!/usr/bin/env bash
# Regenerates the reader test decks in tests/fixtures/ with the real tools:
# marp-cli (+ Debian's Chromium), python-pptx, LibreOffice, qpdf and img2pdf.
# Re-runnable; the outputs are small and committed, so tests never need the tools.
#   needs: node/npx, /usr/bin/chromium, fonts-noto-cjk, soffice, qpdf, img2pdf (scripts/test-deps.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/tests/fixtures"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT/bad"

# (a) a bilingual Marp deck and its PDF, exported by marp-cli through Chromium.
"$PY" - "$OUT/chart.png" <<'PY'
import sys
from PIL import Image, ImageDraw
image = Image.new("RGB", (480, 240), "white")
draw = ImageDraw.Draw(image)
for i, height in enumerate((60, 110, 150, 200)):
    draw.rectangle((40 + 110 * i, 230 - height, 120 + 110 * i, 230), fill=(40, 90, 160))
image.save(sys.argv[1])
PY
cat > "$OUT/marp-deck.md" <<'MD'
---
marp: true
theme: default
title: 研究開発の国際動向 / Global R&D Trends
author: Fixture Author
style: |
  section.lead h1 { font-size: 64px; }
  .note { color: #555; }
---

<!-- _class: lead -->

# 研究開発の国際動向

Global R&D Trends 2024

---

# 主要国の研究開発費

- 米国は約8,000億ドルを投資
  - 政府負担は約2割
- China invests about $450B
- 日本: 約20兆円

---

# Budget by country / 国別予算

| 国 | 予算 | 期間 |
| --- | --- | --- |
| 日本 | 10兆円 | 2021-2025 |
| Germany | €18B | 2021-2024 |

---

# Sample code / コード例

```python
def total(budgets):
    return sum(budgets)
```

Totals are computed per fiscal year.

---

# 研究費の推移 / Spending chart

![研究費の推移 (bar chart of spending)](chart.png)

Spending rose every year.

---

# まとめ / Summary

<div class="note">

研究開発投資は各国で拡大している。

Investment keeps growing everywhere.

</div>
MD
( cd "$OUT" && CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" npx -y @marp-team/marp-cli@4.5.1 --no-stdin \
    --html --allow-local-files --pdf marp-deck.md -o marp-deck.pdf >/dev/null )

# (b) a PowerPoint deck written by python-pptx, and its PDF converted by LibreOffice
#     (hidden slides exported too, so that page n is slide n).
"$PY" "$ROOT/scripts/fixture_pptx.py" "$OUT/deck.pptx"
soffice -env:UserInstallation="file://$WORK/profile" --headless \
  --convert-to 'pdf:impress_pdf_Export:{"ExportHiddenSlides":{"type":"boolean","value":"true"}}' \
  --outdir "$WORK" "$OUT/deck.pptx" >/dev/null 2>&1
cp "$WORK/deck.pdf" "$OUT/deck.pdf"

# (c) bad inputs, each made the way a user would meet it.
qpdf --encrypt secret owner-secret 256 -- "$OUT/deck.pdf" "$OUT/bad/encrypted.pdf"
head -c 6000 "$OUT/deck.pptx" > "$OUT/bad/truncated.pptx"
printf 'This is a plain text note, saved with the wrong name.\n' > "$OUT/bad/not-really.pdf"
# A scanned deck: pages that are only a picture (no text layer), via img2pdf.
pdftoppm -r 40 -png -f 2 -l 2 "$OUT/marp-deck.pdf" "$WORK/scan"
img2pdf "$WORK"/scan*.png -o "$OUT/bad/scanned.pdf"
# A deck whose second page is a scan: read, with a warning naming page 2.
qpdf --empty --pages "$OUT/deck.pdf" 1 "$OUT/bad/scanned.pdf" 1 "$OUT/deck.pdf" 4 -- "$OUT/mixed-scan.pdf"
# A scan good enough to read: pages 1-3 of the Marp PDF at 150 dpi, no text layer (for OCR).
pdftoppm -r 150 -png -f 1 -l 3 "$OUT/marp-deck.pdf" "$WORK/page"
img2pdf "$WORK"/page*.png -o "$OUT/scanned-deck.pdf"
# Slides that are pictures under a footer text box (python-pptx, then LibreOffice's PDF export):
# each page's text layer holds the footer alone, which the reader takes for furniture.
pdftoppm -r 150 -png -f 1 -l 4 "$OUT/marp-deck.pdf" "$WORK/footer"
"$PY" - "$WORK/scanned-footer.pptx" "$WORK"/footer*.png <<'PY'
import sys
from pptx import Presentation
from pptx.util import Inches, Pt
prs = Presentation()
prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
for picture in sys.argv[2:]:
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    slide.shapes.add_picture(picture, 0, 0, prs.slide_width, prs.slide_height)
    box = slide.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(6), Inches(0.4))
    box.text_frame.text = "Fixture Corp. internal use only"
    box.text_frame.paragraphs[0].runs[0].font.size = Pt(10)
prs.save(sys.argv[1])
PY
soffice -env:UserInstallation="file://$WORK/profile" --headless --convert-to pdf \
  --outdir "$WORK" "$WORK/scanned-footer.pptx" >/dev/null 2>&1
cp "$WORK/scanned-footer.pdf" "$OUT/scanned-footer.pdf"

# (d) for the format sniffing: a corrupt PDF (a good header, then garbage).
{ head -c 400 "$OUT/marp-deck.pdf"; printf 'garbage%.0s' $(seq 200); } > "$OUT/bad/corrupt.pdf"
ls -la "$OUT" "$OUT/bad"
