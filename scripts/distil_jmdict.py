"""Distil JMdict (jamdict-data's 310 MB SQLite) into qa/data/jmdict-en-ja.tsv.gz.

One line per Japanese headword (kanji or kana writing): ``headword<TAB>word word …``,
the English words of its first MAX_SENSES senses' short glosses, in sense order.
That is all qa/translate.py needs in both directions (English word -> headwords,
headword -> English words). Run with the dev extra installed::

    pip install '.[dev]' && python scripts/distil_jmdict.py

JMdict is © the Electronic Dictionary Research and Development Group, CC BY-SA 4.0
(see qa/data/README.md); the distilled file is shared under the same licence.
"""

from __future__ import annotations

import argparse
import gzip
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa.translate import DATA_FILE, JAPANESE, MAX_SENSES, gloss_words  # noqa: E402


def jamdict_db() -> Path:
    try:
        import jamdict_data
    except ImportError:
        sys.exit("jamdict-data is not installed: pip install '.[dev]'")
    return Path(jamdict_data.__file__).with_name("jamdict.db")


def headword_glosses(con: sqlite3.Connection) -> dict[str, list[str]]:
    """Japanese headword -> distinct English gloss words of its entries' first senses."""
    words_of_entry: dict[int, list[str]] = {}
    rows = con.execute(
        "SELECT s.idseq, s.ID, g.text FROM Sense s JOIN SenseGloss g ON g.sid = s.ID "
        "WHERE g.lang = 'eng' ORDER BY s.idseq, s.ID"
    )
    senses_seen: dict[int, list[int]] = {}
    for idseq, sense, gloss in rows:
        senses = senses_seen.setdefault(idseq, [])
        if sense not in senses:
            senses.append(sense)
        if senses.index(sense) >= MAX_SENSES:  # JMdict lists common senses first
            continue
        words_of_entry.setdefault(idseq, []).extend(gloss_words(gloss))
    out: dict[str, list[str]] = {}
    for table in ("Kanji", "Kana"):
        for idseq, text in con.execute(f"SELECT idseq, text FROM {table} ORDER BY idseq, ID"):
            if text and JAPANESE.search(text) and words_of_entry.get(idseq):
                out.setdefault(text, []).extend(words_of_entry[idseq])
    return {head: list(dict.fromkeys(words)) for head, words in sorted(out.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_FILE)
    args = parser.parse_args()
    db = jamdict_db()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        table = headword_glosses(con)
        jmdict = dict(con.execute("SELECT key, value FROM meta").fetchall()).get("jmdict.version", "?")
    finally:
        con.close()
    header = f"# JMdict {jmdict} via jamdict-data {version('jamdict-data')}; EDRDG, CC BY-SA 4.0\n"
    # mtime=0: the same dictionary gives the same bytes, so the file's hash names its content.
    with open(args.out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as fh:
        fh.write(header.encode("utf-8"))
        for head, words in table.items():
            fh.write(f"{head}\t{' '.join(words)}\n".encode())
    print(f"{len(table)} headwords → {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
