#!/usr/bin/env bash
# Debian packages the tests use, installed only when missing (idempotent, quiet):
#   chromium + fonts-noto-cjk  browser tests, marp-cli fixtures
#   libreoffice-impress        PowerPoint slide pictures (232 MB download, ~680 MB on disk)
#   poppler-utils, qpdf, img2pdf  scripts/make_fixtures.sh
#   nginx                      the two-replica test (scripts/replicas.sh)
#   tesseract-ocr (+ jpn, eng)  OCR of PDF pages without a text layer (qa/readers/ocr.py)
# Without root or apt-get it only says what is missing; the tests that need a tool skip visibly.
set -u
missing=()
have() { command -v "$1" >/dev/null 2>&1; }
[ -x /usr/bin/chromium ] || missing+=(chromium)
fc-list 2>/dev/null | grep -qi 'noto.*cjk' || missing+=(fonts-noto-cjk)
have soffice || have libreoffice || missing+=(libreoffice-impress)
have pdftoppm || missing+=(poppler-utils)
have qpdf || missing+=(qpdf)
have img2pdf || missing+=(img2pdf)
{ have nginx || [ -x /usr/sbin/nginx ]; } || missing+=(nginx)
have tesseract || missing+=(tesseract-ocr)
for lang in jpn eng; do
  [ -f "/usr/share/tesseract-ocr/5/tessdata/$lang.traineddata" ] || missing+=("tesseract-ocr-$lang")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && have apt-get; then
  echo "installing for the tests (apt-get): ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do  # another apt-get may hold the dpkg lock for a while
    if apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; then
      exit 0
    fi
    sleep $((attempt * 20))
  done
  echo "NOTICE: apt-get could not install ${missing[*]}; the tests that need them will be skipped." >&2
else
  echo "NOTICE: missing ${missing[*]} and no root apt-get here; the tests that need them will be skipped." >&2
  echo "        (as root: apt-get install -y ${missing[*]})" >&2
fi
exit 0
