"""A deck's own structure, for questions about the deck as a whole (pure functions).

Slides have roles read off their position and titles: the first slide (with the
document card; after a cover that is only a picture, the first slide with text too)
answers who / when / which talk; summary slides (まとめ, 結論,
Summary, Conclusion…) answer "what is the conclusion"; agenda slides (発表内容,
目次, Agenda, Outline…) answer "what does it cover". A question's intents are
read off its wording in either language; search favours slides whose role meets
an intent of the question.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from .fusion import zscores
from .slides import Slide

_SUMMARY_TITLE = re.compile(
    r"まとめ|結論|おわりに|終わりに|総括|結び|サマリ|要点|"
    r"\b(?:summary|conclusions?|takeaways?|wrap[- ]?up|key points|recap|closing)\b",
    re.I,
)
_AGENDA_TITLE = re.compile(
    r"発表内容|目次|アジェンダ|本日の(?:内容|話題|流れ)|今日の(?:内容|話題)|内容|構成|"
    r"\b(?:agenda|outline|contents|overview|today)\b",
    re.I,
)
# Closing slides: thanks, questions, contact, credits, social media. They answer only questions that
# ask for what they hold (who made the deck, how to reach them, the series it belongs to).
_CLOSING_TITLE = re.compile(
    r"ご清聴|ありがとうございま|御礼|質疑|質問(?:タイム|受付|コーナー)?$|連絡先|お問い?合わせ|作成担当|謝辞|"
    r"\b(?:thanks?(?: you)?|q\s?&\s?a|q and a|questions\??|contact(?: us| me)?|credits?|acknowledge?ments?|"
    r"follow (?:me|us)|the end)\b",
    re.I,
)
INTENTS = {
    "who": re.compile(
        r"誰|だれ|講演者|発表者|登壇者|著者|作成者|話者|スピーカー|"
        r"\bwho\b|\bspeaker\b|\bpresenter\b|\bauthors?\b|presented by|gave (?:this|the) (?:talk|presentation)",
        re.I,
    ),
    "when": re.compile(r"いつ|日付|開催日|何日|何年|\bwhen\b|\bwhat date\b|\bwhich date\b|\bdated?\b", re.I),
    "title": re.compile(
        r"タイトル|題名|表題|何という(?:発表|講演|資料|セミナー)|"
        r"\btitle\b|\bcalled\b|name of (?:the|this) (?:talk|deck|presentation|seminar)",
        re.I,
    ),
    "summary": re.compile(
        r"結論|まとめ|要点|要約|主なポイント|言いたいこと|総括|締めくくり|"
        r"\bconclu|\bsummar|\btakeaways?\b|\bkey (?:points|messages?)\b|\bmain points\b|\bwrap",
        re.I,
    ),
    "agenda": re.compile(
        r"何について|どんな内容|内容は|構成|目次|アジェンダ|トピック|扱って|話題|"
        r"\bagenda\b|\boutline\b|\bcover(?:s|ed)?\b|\btopics?\b|table of contents|"
        r"what is (?:this|the) (?:talk|deck|presentation|seminar) about",
        re.I,
    ),
    "closing": re.compile(
        r"連絡|問い?合わせ|メール|住所|所在地|所属|部署|担当|作成|発行|ISBN|連載|メルマガ|ニュースレター|"
        r"SNS|ツイッター|フォロー|シリーズ|質疑|感謝|"
        r"\b(?:contact|e-?mail|address|newsletter|credits?|acknowledg|thank|twitter|follow|department|"
        r"affiliat|series|who (?:made|wrote|prepared|gave)|q\s?&\s?a)",
        re.I,
    ),
}
# Which slide role answers which intent.
ROLE_OF_INTENT = {
    "who": "title",
    "when": "title",
    "title": "title",
    "summary": "summary",
    "agenda": "agenda",
    "closing": "closing",
}


def slide_roles(slides: list[Slide]) -> dict[tuple[str, int], set[str]]:
    """{(doc, slide): roles} for the slides that have one."""
    openers = _openers(slides)
    roles: dict[tuple[str, int], set[str]] = {}
    for slide in slides:
        title = unicodedata.normalize("NFKC", slide.title)
        found = set()
        if (slide.doc, slide.number) in openers:
            found.add("title")
        if _SUMMARY_TITLE.search(title):
            found.add("summary")
        if _AGENDA_TITLE.search(title) and slide.body:
            found.add("agenda")
        if _CLOSING_TITLE.search(title) and (slide.doc, slide.number) not in openers:
            found.add("closing")
        if found:
            roles[(slide.doc, slide.number)] = found
    return roles


def _openers(slides: list[Slide]) -> set[tuple[str, int]]:
    """Each deck's title slide: its first slide, and its first slide with text when the first has none
    (a cover that is only a picture; the document card still sits on the first)."""
    by_doc: dict[str, list[Slide]] = {}
    for slide in slides:
        by_doc.setdefault(slide.doc, []).append(slide)
    out = set()
    for doc, own in by_doc.items():
        own.sort(key=lambda slide: slide.number)
        out.add((doc, own[0].number))
        if not _has_text(own[0]):
            first = next((slide for slide in own if _has_text(slide)), None)
            if first is not None:
                out.add((doc, first.number))
    return out


def _has_text(slide: Slide) -> bool:
    return bool(slide.title.strip() or slide.body.strip())


def question_roles(question: str) -> set[str]:
    """The slide roles that would answer a question (empty for an ordinary question)."""
    text = unicodedata.normalize("NFKC", question)
    return {ROLE_OF_INTENT[name] for name, pattern in INTENTS.items() if pattern.search(text)}


class SlideStructure:
    """Per index, which slide and roles each passage row has: a search adds its slide's whole-slide score
    and its role's bonus (or a closing slide's penalty) to a few hundred candidates at once."""

    def __init__(self, passages, slides: list[Slide], decks: set[str], search_only: set[int]) -> None:
        self.slide_of = [(p.doc, p.slide) for p in passages]
        self.search_only = search_only
        self._slide_number = {key: i for i, key in enumerate(dict.fromkeys(self.slide_of))}
        self._row_slide = np.array([self._slide_number[key] for key in self.slide_of], dtype=np.int64)
        # Roles are a deck's: passages an evaluation brings (a SQuAD set) have no title slide to favour.
        self.roles = slide_roles([slide for slide in slides if slide.doc in decks])
        found = {role for roles in self.roles.values() for role in roles}
        self._role_rows = {role: np.array([role in self.roles.get(key, ()) for key in self.slide_of]) for role in found}

    def shown(self, fused: dict[int, float]) -> dict[int, float]:
        """The scores of the passages a hit may show (the search-only whole-slide rows left out)."""
        return {row: score for row, score in fused.items() if row not in self.search_only}

    def apply(self, fused: dict[int, float], asked: set[str], settings) -> dict[int, float]:
        """Each shown passage's score plus slide_weight × its slide's whole-slide z-score, plus role_weight
        when its slide's role meets what the question asks, minus closing_weight on a closing slide
        unless the question asks for one."""
        slide_scores = {self.slide_of[row]: v for row, v in fused.items() if row in self.search_only}
        slide_z = zscores(slide_scores)
        floor = min(slide_z.values(), default=0.0)
        shown = self.shown(fused)
        rows = np.fromiter(shown, dtype=np.int64, count=len(shown))
        slide_term = np.full(len(self._slide_number), floor)
        for key, z in slide_z.items():
            slide_term[self._slide_number[key]] = z
        value = np.fromiter(shown.values(), dtype=np.float64, count=len(shown))
        value = value + settings.slide_weight * slide_term[self._row_slide[rows]]
        wanted = [self._role_rows[role][rows] for role in asked if role in self._role_rows]
        if wanted:
            value[np.logical_or.reduce(wanted)] += settings.role_weight
        if "closing" not in asked and "closing" in self._role_rows:
            value[self._role_rows["closing"][rows]] -= settings.closing_weight
        return dict(zip(rows.tolist(), value.tolist(), strict=True))
