"""The page's look: system fonts, colours designed for light and dark schemes (WCAG AA), and two small scripts.

Every text colour below is chosen against its own background with at least 4.5:1
contrast in both schemes (tests/test_browser.py measures it from computed styles).
Gradio adds the class `dark` to the page when the browser prefers a dark scheme.
"""

from __future__ import annotations

import gradio as gr

# System fonts only: Gradio's default theme fetches Google Fonts, and the UI must work
# in closed networks without a single request leaving the machine.
SANS = ["system-ui", "Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", "Meiryo", "sans-serif"]
MONO = ["ui-monospace", "Noto Sans Mono CJK JP", "Consolas", "monospace"]
THEME = gr.themes.Default(font=SANS, font_mono=MONO).set(
    body_text_color_subdued="#374151",
    body_text_color_subdued_dark="#cbd5e1",
)

_BAR_WIDTHS = "".join(f".qa-w{n} {{ width: {n * 10}%; }}\n" for n in range(1, 11))

# The dark scheme, one selector per rule: Gradio scopes custom CSS by rewriting each
# selector, and mangles `.dark` when it is not the first selector of a list.
_SUBDUED_DARK = "#cbd5e1"
DARK = {
    ".qa-lead-src": f"color: {_SUBDUED_DARK}",
    ".qa-doc": f"color: {_SUBDUED_DARK}",
    ".qa-context": f"color: {_SUBDUED_DARK}",
    ".qa-slide-doc": f"color: {_SUBDUED_DARK}",
    ".qa-weak-note": f"color: {_SUBDUED_DARK}",
    ".qa-repeat": f"color: {_SUBDUED_DARK}",
    ".qa-pos": f"color: {_SUBDUED_DARK}",
    ".qa-card dt": f"color: {_SUBDUED_DARK}",
    ".qa-conf-high": "color: #6ee7b7",
    ".qa-conf-medium": "color: #fcd34d",
    ".qa-conf-low": "color: #fca5a5",
    ".qa-bar": "background: #374151",
    "mark": "background: #854d0e; color: #ffffff",
    "mark.qa-span": "background: #93c5fd; color: #0b1220",
    ".qa-note-label": "background: #312e81; color: #e0e7ff",
    ".qa-ocr": "background: #3b2a06; color: #fef3c7",
    ".qa-cited": "background: #3b2a06; color: #fef3c7; border-left-color: #f59e0b",
    ".qa-closest": "background: #1f2937; color: #f3f4f6; border-left-color: #9ca3af",
    ".qa-label": "color: #fcd34d",
    ".qa-closest .qa-label": "color: #d1d5db",
    "#qa-cited-list label:has(input:focus-visible)": "outline-color: #93c5fd !important",
    "button:focus-visible": "outline-color: #93c5fd !important",
    "textarea:focus-visible": "outline-color: #93c5fd !important",
    "input:focus-visible": "outline-color: #93c5fd !important",
}
_DARK_CSS = "".join(f".dark {selector} {{ {rules}; }}\n" for selector, rules in DARK.items())

CSS = (
    """
.qa-answer, .qa-slide { overflow-wrap: anywhere; line-height: 1.55; }
#qa-chat .prose.chatbot.md { opacity: 1; }  /* Gradio fades every message to 0.8, below AA for grey text */
.qa-lead { font-size: 1.15em; margin: 0.1em 0 0.6em; }
.qa-lead-label { font-weight: 600; margin-right: 0.4em; }
.qa-lead-src, .qa-doc, .qa-context, .qa-slide-doc, .qa-weak-note, .qa-pos, .qa-repeat { color: #374151; }
.qa-doc, .qa-slide-doc { font-size: 0.85em; }
.qa-context { font-size: 0.9em; }
ol.qa-sources { list-style: none; padding-left: 0; margin: 0.2em 0; }
.qa-source { margin-bottom: 0.7em; }
.qa-cite { margin-bottom: 0.1em; }
.qa-num { margin-right: 0.3em; font-weight: 700; }
.qa-cite .qa-conf { margin-left: 0.4em; }
.qa-cite strong { font-weight: 600; }
.qa-hit { margin: 0.15em 0 0.15em 1.6em; }
.qa-conf { font-size: 0.8em; white-space: nowrap; }
.qa-conf-high { color: #064e3b; } .qa-conf-medium { color: #7c2d12; } .qa-conf-low { color: #7f1d1d; }
.qa-bar { display: inline-block; width: 3em; height: 0.5em; background: #e5e7eb; border-radius: 2px;
  vertical-align: middle; overflow: hidden; }
.qa-fill { display: block; height: 100%; background: currentColor; }
.qa-nomatch { border-left: 4px solid #b45309; padding-left: 0.5em; }
.qa-weak .qa-source { border-left: 3px dashed #6b7280; padding-left: 0.4em; }
mark { background: #fde68a; color: #111827; padding: 0 0.05em; border-radius: 2px; }
mark.qa-span { background: #1d4ed8; color: #ffffff; font-weight: 700; padding: 0 0.2em; }
.qa-note-label { font-size: 0.75em; background: #e0e7ff; color: #3730a3; padding: 0 0.35em; border-radius: 3px;
  margin-right: 0.4em; }
.qa-ocr { font-size: 0.75em; background: #fef3c7; color: #92400e; padding: 0 0.35em; border-radius: 3px; }
.qa-slide-head { display: flex; justify-content: space-between; gap: 0.5em; }
.qa-pos { font-variant-numeric: tabular-nums; font-size: 0.9em; white-space: nowrap; }
.qa-slide .qa-p { margin: 0.25em 0; padding: 0.1em 0.3em; }
.qa-slide .qa-bullet::before { content: "• "; }
.qa-slide .qa-heading { font-weight: 600; margin-top: 0.6em; }
.qa-slide .qa-row { border-bottom: 1px solid var(--border-color-primary); }
.qa-cited { background: #fef3c7; border-left: 4px solid #b45309; color: #111827; }
.qa-closest { background: #f3f4f6; border-left: 4px dashed #374151; color: #111827; }
.qa-label { font-size: 0.75em; margin-right: 0.5em; color: #92400e; font-weight: 600; }
.qa-closest .qa-label { color: #374151; }
.qa-slide-body { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 0.8em; }
.qa-picture { position: relative; margin: 0; align-self: start; }
.qa-picture img { display: block; width: 100%; height: auto; border: 1px solid var(--border-color-primary); }
.qa-region { position: absolute; background: rgba(250, 204, 21, 0.3); outline: 2px solid #b45309; }
.qa-cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 1em; }
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 6px; padding: 0.6em 0.9em; }
.qa-card dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2em 0.8em; margin: 0; }
.qa-card dt { color: #374151; } .qa-card dd { margin: 0; overflow-wrap: anywhere; }
#qa-ask, #qa-prev, #qa-next, #qa-fb-send { white-space: nowrap; word-break: keep-all; }
#qa-cited-list label:has(input:focus-visible), #qa-ui-lang label:has(input:focus-visible),
#qa-mode label:has(input:focus-visible), #qa-answer-lang label:has(input:focus-visible),
button:focus-visible, textarea:focus-visible, input:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid #1d4ed8 !important; outline-offset: 2px; }
@media (max-width: 640px) {
  #qa-chat { height: 52vh !important; max-height: 52vh !important; }
  #qa-heading p { display: none; }
}
"""
    + _BAR_WIDTHS
    + _DARK_CSS
)

# After an answer arrives: bring the top of the newest answer (its lead line and best
# source) into view inside the chat, instead of the chat's end.
SCROLL_TO_NEWEST = """() => { setTimeout(() => {
  const answers = document.querySelectorAll('#qa-chat .qa-answer');
  const questions = document.querySelectorAll('#qa-chat [data-testid=user]');
  let answer = answers[answers.length - 1];
  if (!answer) return;
  // Show the question above it too when both fit.
  const question = questions[questions.length - 1];
  if (question && answer.getBoundingClientRect().top - question.getBoundingClientRect().top < 160) answer = question;
  let box = answer.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  if (box && box !== document.documentElement && box !== document.body) {
    box.scrollTop += answer.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
  }
}, 150); }"""

# A click on a source [n] in the chat opens it in the slide view: the chat's own select
# event lists that answer's sources first, then the n-th is picked.
HEAD = """<script>
document.addEventListener('click', (event) => {
  const source = event.target.closest && event.target.closest('#qa-chat .qa-source');
  if (!source) return;
  const index = Array.from(source.parentElement.children).indexOf(source);
  setTimeout(() => {
    const options = document.querySelectorAll('#qa-cited-list input[type=radio]');
    if (options[index] && !options[index].checked) options[index].click();
  }, 500);
});
// Gradio's dropdown drops focus to the page body when Tab leaves it; carry it on to the
// next (or, with Shift, the previous) control instead, as Tab does everywhere else.
let qaTabDirection = 0;
document.addEventListener('keydown', (event) => {
  if (event.key === 'Tab') qaTabDirection = event.shiftKey ? -1 : 1;
}, true);
document.addEventListener('focusout', (event) => {
  const from = event.target;
  // Focus goes to the dropdown's own option list, which then disappears.
  const to = event.relatedTarget;
  if (!from.closest || !from.closest('#qa-outline') || !qaTabDirection) return;
  if (to && !to.closest('#qa-outline, ul.options')) return;
  const direction = qaTabDirection;
  qaTabDirection = 0;
  setTimeout(() => {
    const now = document.activeElement;
    if (now && now !== document.body && !now.closest('ul.options') && now.getClientRects().length) return;
    const controls = Array.from(document.querySelectorAll('button, input, textarea, select, a[href], [tabindex]'))
      .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length);
    const next = controls[controls.indexOf(from) + direction];
    if (next) next.focus();
  }, 50);
}, true);
</script>"""
