"""The manifest of every build input: what, if it changed, makes an index stale.

Corpus files (path -> sha256, catalog.toml included), package data files under
qa/data/, the encoder, the tokenizer with SudachiPy and SudachiDict versions, the
JMdict bridge file, the chunker, each reader, the OCR engine (if any) and each index
component's format.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import readers, translate
from ..chunking import CHUNKER_VERSION, Packing, chunker_version
from ..documents import deck_files
from ..lang import default_tokenizer
from ..latent import supports
from ..readers import ocr
from ..readers.versions import VERSIONS
from . import hubness, keyword, passages, pictures, vectors
from . import latent as latent_component
from .owned import GLOSSES
from .store import sha256_file

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
COMPONENTS = {
    "passages": passages,
    "vectors": vectors,
    "keyword": keyword,
    "glosses": GLOSSES,
    "hubness": hubness,
    "pictures": pictures,
}


def package_version(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def corpus_files(corpus_dir: Path) -> dict[str, str]:
    """Every deck file of the corpus and catalog.toml: relative path -> sha256 ("unreadable" if so)."""
    corpus_dir = Path(corpus_dir)
    paths = deck_files(corpus_dir)
    if (corpus_dir / "catalog.toml").is_file():
        paths.append(corpus_dir / "catalog.toml")
    out = {}
    for path in paths:
        try:
            out[path.relative_to(corpus_dir).as_posix()] = sha256_file(path)
        except OSError:  # the build reports the file; the manifest notes it could not be read
            out[path.relative_to(corpus_dir).as_posix()] = "unreadable"
    return dict(sorted(out.items()))


def package_data() -> dict[str, str]:
    """Each data file shipped under qa/data/ (documentation and the JMdict file, listed apart, excepted)."""
    return {
        p.relative_to(DATA_DIR).as_posix(): sha256_file(p)
        for p in sorted(DATA_DIR.rglob("*"))
        if p.is_file() and p.suffix != ".md" and p.name != translate.DATA_NAME and "__pycache__" not in p.parts
    }


def build_inputs(files: dict[str, str], model_id: str, packing: Packing | None = None, latent: bool = False) -> dict:
    """The inputs section of a manifest for these corpus files, this encoder and passage packing
    (None: the package's). The latent-terms component is part of every index of the default model
    (its word table serves the default search); `latent` asks for it whatever the model."""
    components = {name: module.FORMAT for name, module in COMPONENTS.items()}
    if latent or supports(model_id):
        components["latent"] = latent_component.FORMAT
    return {
        "corpus": files,
        "package_data": package_data(),
        "encoder": model_id,
        "tokenizer": default_tokenizer().name,
        "dictionary": {"sudachipy": package_version("sudachipy"), "sudachidict": package_version("sudachidict-core")},
        "jmdict": translate.source_id(),
        "chunker": CHUNKER_VERSION if packing is None else chunker_version(packing),
        "components": components,
        "readers": dict(VERSIONS),
        # installing Tesseract rebuilds a corpus with PDFs (pages without a text layer now have text);
        # other corpora skip its two subprocesses at every start
        "ocr": ocr.engine() if any(readers.SUFFIXES.get(Path(f).suffix.lower()) == "pdf" for f in files) else None,
    }
