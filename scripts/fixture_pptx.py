"""Writes the PowerPoint test deck with python-pptx (called by scripts/make_fixtures.sh).

Six slides: a title slide, bullets with levels, a group shape, a table, a hidden
slide (4) and a closing slide; Japanese and English text; speaker notes on two.
"""

from __future__ import annotations

import datetime as dt
import sys

from pptx import Presentation
from pptx.util import Inches, Pt


def _notes(slide, text: str) -> None:
    slide.notes_slide.notes_text_frame.text = text


def _bullets(slide, items: list[tuple[int, str]]) -> None:
    body = slide.placeholders[1].text_frame
    body.text = items[0][1]
    for level, text in items[1:]:
        paragraph = body.add_paragraph()
        paragraph.text, paragraph.level = text, level


def build(out: str) -> None:
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)  # 16:9
    props = prs.core_properties
    props.title = "量子技術の研究動向 / Quantum Technology Trends"
    props.author = "Fixture Author"
    props.created = dt.datetime(2024, 3, 15, 9, 30)

    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = "量子技術の研究動向"
    title.placeholders[1].text = "Quantum Technology Trends 2024"
    _notes(title, "最初に全体像を説明する。Introduce the overview first.")

    bullets = prs.slides.add_slide(prs.slide_layouts[1])
    bullets.shapes.title.text = "主要国の投資 / Public investment"
    _bullets(bullets, [
        (0, "米国: National Quantum Initiative"),
        (1, "5年間で12億ドル / $1.2B over five years"),
        (0, "欧州: Quantum Flagship"),
        (1, "10億ユーロ規模"),
        (2, "2018年開始 / started 2018"),
    ])
    _notes(bullets, "Figures are public budget announcements.")

    grouped = prs.slides.add_slide(prs.slide_layouts[5])
    grouped.shapes.title.text = "研究体制 / Research organisation"
    group = grouped.shapes.add_group_shape()
    for i, text in enumerate(["大学 / Universities", "国立研究所 / National labs"]):
        box = group.shapes.add_textbox(Inches(1 + 5.5 * i), Inches(2.5), Inches(5), Inches(1.5))
        box.text_frame.text = text
        box.text_frame.paragraphs[0].runs[0].font.size = Pt(28)

    table_slide = prs.slides.add_slide(prs.slide_layouts[5])
    table_slide.shapes.title.text = "予算比較 / Budget comparison"
    rows = [("国 / Country", "予算 / Budget", "期間 / Period"), ("日本", "1,000億円", "2020-2030"),
            ("Germany", "€2.0B", "2021-2025")]
    table = table_slide.shapes.add_table(3, 3, Inches(1), Inches(2), Inches(11), Inches(2.4)).table
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text

    hidden = prs.slides.add_slide(prs.slide_layouts[1])
    hidden.shapes.title.text = "非公開メモ / Hidden draft"
    hidden.placeholders[1].text = "This slide is hidden and must not be indexed."
    hidden._element.set("show", "0")

    closing = prs.slides.add_slide(prs.slide_layouts[1])
    closing.shapes.title.text = "まとめ / Summary"
    _bullets(closing, [(0, "量子コンピュータは実用化へ"), (0, "Error correction is the key milestone")])
    # A box one character wide: LibreOffice sets its word on one line per character.
    narrow = closing.shapes.add_textbox(Inches(11.5), Inches(2.5), Inches(0.55), Inches(3))
    narrow.text_frame.word_wrap = True
    narrow.text_frame.text = "重要課題"
    narrow.text_frame.paragraphs[0].runs[0].font.size = Pt(28)

    prs.save(out)


if __name__ == "__main__":
    build(sys.argv[1])
