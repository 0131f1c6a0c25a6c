#!/usr/bin/env bash
# Browser tests drive Debian's chromium through Playwright (never `playwright install`).
# Install it when missing and we may; otherwise the browser tests skip with a message.
set -u
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); then
    echo "Could not install chromium; browser tests will be skipped." >&2
  fi
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "Could not install chromium; browser tests will be skipped." >&2
else
  echo "chromium is missing and cannot be installed here; browser tests will be skipped." >&2
fi
exit 0
