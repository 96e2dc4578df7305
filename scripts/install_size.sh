#!/usr/bin/env bash
# Measure the core install: `pip install .` (no extras, so no torch) into a fresh venv, then du of site-packages.
# Usage: scripts/install_size.sh [python]   (default python3.11; the venv lives under /tmp and is removed)
set -euo pipefail
PY=${1:-python3.11}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=$(mktemp -d /tmp/qa-install-size.XXXXXX)
trap 'rm -rf "$VENV"' EXIT
"$PY" -m venv "$VENV"
quiet_pip() {  # pip's warnings about this machine's missing local index folders are noise here
  "$VENV/bin/pip" "$@" 2>&1 | { grep -v "is ignored: it is neither" >&2 || true; }
}
quiet_pip install --quiet --upgrade pip
# Build from a copy, so setuptools' build/ and egg-info never land in the working tree.
mkdir "$VENV/src"
tar -C "$ROOT" --exclude=./.venv --exclude=./index --exclude=./.git -cf - . | tar -C "$VENV/src" -xf -
quiet_pip install --quiet "$VENV/src"
"$VENV/bin/pip" check
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
if "$VENV/bin/python" -c 'import torch' 2>/dev/null; then echo "torch was installed: not a core install" >&2; exit 1; fi
# The core really works alone: index and ask over the briefing; serve and eval name their extra.
mkdir "$VENV/decks"
cp "$ROOT/corpus/jst-crds-sti-2023.txt" "$VENV/decks/"
(cd "$VENV" && bin/qa index --corpus decks --index idx >/dev/null 2>&1)
(cd "$VENV" && bin/qa ask --corpus decks --index idx --k 1 "G7広島サミットの首脳コミュニケ") | head -3
for cmd in serve "eval decks/none.jsonl"; do
  if (cd "$VENV" && bin/qa $cmd --corpus decks --index idx) 2>"$VENV/err"; then echo "qa $cmd ran without its extra" >&2; exit 1; fi
  grep -q "extra" "$VENV/err" || { cat "$VENV/err" >&2; exit 1; }
  cat "$VENV/err"
done
rm -rf "$VENV/decks" "$VENV/idx" "$VENV/err"
TOTAL=$(du -sm "$SITE" | cut -f1)
echo "core install (pip install ., no extras): ${TOTAL} MB in site-packages"
du -sm "$SITE"/* | sort -rn | head -30
du -sm "$SITE"/* | sort -rn | head -8 | while read -r mb path; do echo "| $(basename "$path") | $mb |"; done > "$VENV/core-sizes"
# What `make run` adds on top: the ui and eval extras.
quiet_pip install --quiet "$VENV/src[ui,eval]"
"$VENV/bin/pip" check
ALL=$(du -sm "$SITE" | cut -f1)
echo "with the ui and eval extras: ${ALL} MB"
# The README's figure, from this run only (the table is the core install's).
{
  echo "Measured $(date +%Y-%m-%d) by \`scripts/install_size.sh\`: **${TOTAL} MB** of site-packages for the core"
  echo "(\`pip install .\`), ${ALL} MB with the \`ui\` and \`eval\` extras that \`make run\` adds. The core's largest:"
  echo
  echo "| package folder | MB |"
  echo "|---|---|"
  cat "$VENV/core-sizes"
} > "$ROOT/docs/install_size.md"
"$PY" "$ROOT/scripts/splice_readme.py" install-size "$ROOT/docs/install_size.md"
