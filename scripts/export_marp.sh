#!/usr/bin/env bash
# Export every Marp deck in tests/decks/real/ to PDF with marp-cli and compare page counts
# with the slide counts of scripts/check_questions.py (the gold slide number of a
# Marp deck is the page number of Marp's own PDF export).
#
#   scripts/export_marp.sh [OUT_DIR]      (default /tmp/marp-export; nothing is written to the repo)
#
# Needs Node.js and Chromium (Debian: apt-get install chromium fonts-noto-cjk poppler-utils).
# marp-cli is pinned; set MARP to use another binary, e.g. MARP=/tmp/marp/node_modules/.bin/marp.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-/tmp/marp-export}"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
MARP="${MARP:-npx --yes @marp-team/marp-cli@4.5.1}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROME_NO_SANDBOX=1   # root in a container: Chromium refuses to start sandboxed

mkdir -p "$OUT"
$MARP --version
status=0
while IFS=$'\t' read -r doc format count; do
  [ "$format" = md ] || continue
  name="${doc#real/}"
  # </dev/null: marp-cli reads Markdown from a non-terminal stdin, which here is this loop's input
  if ! $MARP --pdf --browser-timeout 120 "$ROOT/tests/decks/$doc.md" -o "$OUT/$name.pdf" </dev/null >"$OUT/$name.log" 2>&1; then
    echo "FAILED    $doc  (see $OUT/$name.log)"; status=1; continue
  fi
  pages="$(pdfinfo "$OUT/$name.pdf" | awk '/^Pages:/ {print $2}')"
  if [ "$pages" = "$count" ]; then
    echo "ok        $doc  $pages pages = $count slides"
  else
    echo "MISMATCH  $doc  marp: $pages pages, check_questions.py: $count slides"; status=1
  fi
done < <("$PY" "$ROOT/scripts/check_questions.py" --counts)
exit "$status"
