#!/usr/bin/env bash
# The real decks under tests/decks/real/: where each file comes from, pinned to a commit.
#
#   scripts/real_decks.sh            verify the committed files against their SHA-256 (offline)
#   scripts/real_decks.sh --fetch    rebuild tests/decks/real/ from GitHub at the pinned commits
#                                    (needs network; the marp-made PDF also needs marp-cli,
#                                    see scripts/export_marp.sh), then verify
#
# A "copy" deck is the upstream file byte for byte (only renamed). The "marp" deck is
# the upstream Marp Markdown exported to PDF by marp-cli v4.5.1 with the author's own
# build command (`marp slides/*.md --pdf --allow-local-files`); a re-export embeds a new
# creation date, so after --fetch it is checked by page count instead of by hash.
# Licences and authors are in tests/decks/README.md ("Real decks").
set -euo pipefail

cd "$(dirname "$0")/../tests/decks/real"
MARP="${MARP:-npx --yes @marp-team/marp-cli@4.5.1}"

# name | how | repository | commit | path in the repository | sha256 | pages (marp only)
MANIFEST='
iij-webserver-overview.pdf|copy|iij/bootcamp|ce5b22d54fc2adea0d670d53da7de7c543ee57ac|src/.vuepress/public/webserver-overview.pdf|760eb36fedf64bcc1c4b1d3556ffc3f94eadc263b158bd17cecf6a058d98fc76|
iij-mongodb.pdf|copy|iij/bootcamp|ce5b22d54fc2adea0d670d53da7de7c543ee57ac|src/.vuepress/public/MongoDB.pdf|e339d987baf9fec64c21c40e0be8d5b6569985972bc1c9864867bf7689dd5255|
iij-nginx.pdf|copy|iij/bootcamp|ce5b22d54fc2adea0d670d53da7de7c543ee57ac|src/.vuepress/public/NGINX.pdf|05f65d685ebab6756d3842f9d0dfb5503d0d11f1b0e2aba9daa1023cdf56fef8|
bsdcan-fighting-spam.pdf|copy|akpoff/talks|22d622ed6357603c4543f12af3c8175c6f0d08a8|slides/2018/bsdcan/fighting_spam_at_the_front_line/fighting_spam_at_the_frontline.pdf|c944fcd2785991dd771b92b88d61cc931b697609deb8fe23e40b4b16cb3aa6ed|
yodoq-ai-dev-day2.pdf|marp|cuzic/ai-dev-yodoq|85a67ef5462c0eb986afe799a9e9f425c8d1bebd|slides/day2_2.md|796d06b75701eb5f3c44d21b7bb0da426c457ef5a88adf6344bc4779cf506ce6|41
ms-intro-git.pptx|copy|microsoft/workshop-library|ce0e8f0dfd36b10da340b19654df164fe25f27d4|full/intro-git-github-version-control/slides.pptx|46b9ddcc6ecb83578b6c3452211ae340e349914fdbac8b331734449b3eaa4a90|
ms-django.pptx|copy|microsoft/workshop-library|ce0e8f0dfd36b10da340b19654df164fe25f27d4|full/django-get-started/slides.pptx|6741ff4831042e294fa02f7cd7fb828f6538ed1e7d0fa6b2d69cd559c952b2fc|
sevendayshpc-day1.pptx|copy|kaityo256/sevendayshpc|e0169a557e72ed72139c148e2eb93295c1081bad|day1/fig/fig.pptx|62a08ca18ca8656721e6755700931654f91dbad7839a3aeb79406903fb50b55e|
marp-example.md|copy|yhatt/marp|a1cca31ec2be19f9ba750d1283ce2c298d52cd91|example.md|53c2a55f24c26067801cb37c9b43c0ce1e42070ed33ef7496bd9c37483216d0a|
marp-academic.md|copy|kaisugi/marp-theme-academic|04b7271881a45827556bed985e6501daba6ece8c|demo.md|5519c5c3169253b6061a14271893aca0fd4ccf19cf216274b38785fe114d39ef|
yodoq-ai-dev-day1.md|copy|cuzic/ai-dev-yodoq|85a67ef5462c0eb986afe799a9e9f425c8d1bebd|slides/day1_1.md|90fcb7fdb8755c78d0e92d96d043fee2fd798bf8140701bf1f6ebd4bae95205e|
'

fetch=0
case "${1:-}" in
  --fetch) fetch=1 ;;
  "") ;;
  *) echo "usage: $0 [--fetch]" >&2; exit 2 ;;
esac

rebuild() {  # name how repo commit path
  local url="https://raw.githubusercontent.com/$3/$4/$5"
  if [ "$2" = copy ]; then
    curl -fsSL -o "$1" "$url"
  else
    local tmp
    tmp="$(mktemp -d)"
    curl -fsSL -o "$tmp/deck.md" "$url"
    CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}" CHROME_NO_SANDBOX=1 \
      $MARP "$tmp/deck.md" --pdf --allow-local-files -o "$PWD/$1" </dev/null >/dev/null
    rm -rf "$tmp"
  fi
}

bad=0
while IFS='|' read -r name how repo commit path sum pages; do
  [ -n "$name" ] || continue
  src="$repo@${commit:0:10}:$path"
  [ "$fetch" = 1 ] && rebuild "$name" "$how" "$repo" "$commit" "$path"
  if [ ! -f "$name" ]; then
    echo "missing  $name  (from $src)"; bad=1
  elif echo "$sum  $name" | sha256sum --check --status; then
    echo "ok       $name  $src${pages:+ (marp-cli export)}"
  elif [ "$fetch" = 1 ] && [ "$how" = marp ] && [ "$(pdfinfo "$name" | awk '/^Pages:/ {print $2}')" = "$pages" ]; then
    echo "ok       $name  re-exported from $src: $pages pages as before (new creation date)"
  else
    echo "CHANGED  $name  differs from $src"; bad=1
  fi
done <<< "$MANIFEST"
exit "$bad"
