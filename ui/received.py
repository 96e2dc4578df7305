"""Files the browser uploaded: only what Gradio itself received may be read, and it is removed once used.

An event's file argument is a path the client names. Gradio checks that it lies in its
upload folder only for an app it launched itself, not for one mounted into another ASGI
app (how `qa serve` runs it); without this check a client could name any file on the
server. A path is accepted only when Gradio's upload route wrote it in this process
(`Blocks.upload_file_set`), inside its upload folder.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

from qa.errors import QAError

NOT_RECEIVED = "アップロードされたファイルだけを受け付けます / only a file uploaded through this page is accepted"


class ReceivedFiles:
    """The uploads of one Blocks app: `check` a client-named path, `discard` it when done."""

    def __init__(self, blocks: gr.Blocks) -> None:
        self.blocks = blocks

    def _received(self) -> set[Path]:
        return {Path(p).resolve() for p in list(self.blocks.upload_file_set)}

    def check(self, path: str | Path) -> Path:
        """The resolved path when Gradio received it through its upload route; QAError otherwise."""
        file = Path(path).resolve()
        folder = Path(get_upload_folder()).resolve()
        if not file.is_relative_to(folder) or file not in self._received() or not file.is_file():
            raise QAError(NOT_RECEIVED)
        return file

    def discard(self, path: str | Path) -> None:
        """Delete a received file (and its folder, when empty): its content now lives in the corpus or nowhere."""
        file = Path(path).resolve()
        if file not in self._received():
            return
        for name in list(self.blocks.upload_file_set):
            if Path(name).resolve() == file:
                self.blocks.upload_file_set.discard(name)
        with contextlib.suppress(OSError):
            file.unlink()
            file.parent.rmdir()  # Gradio keeps each upload in a folder of its own
