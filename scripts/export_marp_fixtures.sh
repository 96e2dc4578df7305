#!/usr/bin/env bash
# Re-export the Marp fixtures to PDF with Marp's own CLI (the reference for slide numbers).
# Needs Node.js + npm and Debian's chromium: apt-get install -y chromium fonts-noto-cjk
set -euo pipefail
cd "$(dirname "$0")/.."
tool="${MARP_DIR:-/tmp/marp-cli}"
[ -x "$tool/node_modules/.bin/marp" ] || { mkdir -p "$tool" && npm install --prefix "$tool" --silent @marp-team/marp-cli@4.5.1; }
for md in tests/fixtures/marp/edges.md tests/decks/real/marp-example.md tests/decks/real/marp-academic.md \
          tests/decks/real/yodoq-ai-dev-day1.md; do
  out="tests/fixtures/marp/$(basename "${md%.md}").pdf"
  CHROME_PATH=/usr/bin/chromium CHROME_NO_SANDBOX=1 "$tool/node_modules/.bin/marp" --no-stdin --pdf --allow-local-files "$md" -o "$out"
done
