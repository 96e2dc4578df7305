#!/usr/bin/env bash
# Debian's Chromium and a CJK font for the browser tests. Installed when we can
# (root with apt-get, as in CI); otherwise the browser tests skip with a notice.
set -u
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium and fonts-noto-cjk for the browser tests (apt-get) ..."
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; then
    exit 0
  fi
  echo "NOTICE: apt-get could not install chromium; the browser tests will be skipped." >&2
else
  echo "NOTICE: no /usr/bin/chromium and no root apt-get here; the browser tests will be skipped." >&2
  echo "        (as root: apt-get install -y chromium fonts-noto-cjk)" >&2
fi
exit 0
