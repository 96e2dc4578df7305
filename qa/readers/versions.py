"""Each reader's output version, kept apart from the readers: an index records them, and checking
whether it is still current (every `qa ask` does) must not import the PDF, PowerPoint and Markdown
libraries, which only a build needs (a large share of `qa ask`'s imports: make bench lists them)."""

# Bump a reader's version when its output changes: indexes built before are rebuilt.
VERSIONS = {
    "text": "2",
    "markdown": "markdown-it-5",
    "pdf": "ocr-21",
    "pptx": "12",
    "pictures": "1",  # the slide pictures (qa/readers/pictures.py)
}
