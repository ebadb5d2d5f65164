#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/web) and the CJK TrueType font the PDF reports
# embed for Chinese names: installed when missing and running as root.
# Playwright launches /usr/bin/chromium; it never downloads a browser of its own.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "==> /usr/bin/chromium is missing and this is not root: the browser tests will fail (set ALLOW_SKIP_BROWSER=1 to skip them)" >&2
  fi
fi
if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> installing Debian's fonts-wqy-microhei for Chinese names in PDF reports"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei >/dev/null
  fi
fi
