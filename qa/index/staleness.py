"""Why a built index no longer fits its inputs: reasons as values (`Stale`), worded by qa/messages.py."""

from __future__ import annotations

from dataclasses import dataclass

KINDS = (
    "missing",
    "damaged",
    "corpus_file_added",
    "corpus_file_changed",
    "corpus_file_removed",
    "package_data_changed",
    "encoder_changed",
    "tokenizer_changed",
    "dictionary_changed",
    "jmdict_changed",
    "chunker_changed",
    "reader_changed",
    "ocr_changed",
    "component_format_changed",
)


@dataclass(frozen=True)
class Stale:
    """One reason to rebuild: a kind (KINDS) and what it concerns (a file, a name, old -> new)."""

    kind: str
    detail: str = ""


def _changed(kind: str, old, new) -> list[Stale]:
    return [] if old == new else [Stale(kind, f"{old} → {new}")]


def _by_name(kind: str, old: dict, new: dict) -> list[Stale]:
    """One reason per name whose value differs (added, removed or changed)."""
    return [Stale(kind, name) for name in sorted(set(old) | set(new)) if old.get(name) != new.get(name)]


def compare(built: dict, current: dict) -> list[Stale]:
    """Every difference between the inputs an index was built from and the current ones ([] = fresh)."""
    if not isinstance(built, dict) or not isinstance(built.get("corpus"), dict):
        return [Stale("damaged", "the manifest lists no inputs (an older index)")]
    old, new = built["corpus"], current["corpus"]
    reasons = [Stale("corpus_file_added", name) for name in new if name not in old]
    reasons += [Stale("corpus_file_removed", name) for name in old if name not in new]
    reasons += [Stale("corpus_file_changed", name) for name in new if name in old and old[name] != new[name]]
    reasons += _by_name("package_data_changed", built.get("package_data") or {}, current["package_data"])
    reasons += _changed("encoder_changed", built.get("encoder"), current["encoder"])
    reasons += _changed("tokenizer_changed", built.get("tokenizer"), current["tokenizer"])
    old_dict, new_dict = built.get("dictionary") or {}, current["dictionary"]
    reasons += [
        Stale("dictionary_changed", f"{name} {old_dict.get(name)} → {new}")
        for name, new in new_dict.items()
        if old_dict.get(name) != new
    ]
    reasons += _changed("jmdict_changed", built.get("jmdict"), current["jmdict"])
    reasons += _changed("chunker_changed", built.get("chunker"), current["chunker"])
    reasons += _by_name("reader_changed", built.get("readers") or {}, current["readers"])
    # Tesseract installed or removed: PDF pages without a text layer gain or lose their text
    reasons += _changed("ocr_changed", built.get("ocr"), current["ocr"])
    # Only the components asked for count: a build with an optional one (latent terms) serves without it.
    built_components = built.get("components") or {}
    reasons += _by_name(
        "component_format_changed",
        {name: built_components.get(name) for name in current["components"]},
        current["components"],
    )
    return reasons


def only_corpus(reasons: list[Stale]) -> bool:
    """True when every reason is a change of corpus files (a build that finds nothing may keep the old index)."""
    return bool(reasons) and all(r.kind.startswith("corpus_file_") for r in reasons)
