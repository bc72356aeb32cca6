#!/usr/bin/env bash
# The portal's browser tests drive Debian's Chromium through playwright-core (Playwright's
# own browser download cannot work offline). Installs it when it is missing; a no-op otherwise.
set -euo pipefail
CHROMIUM=${NEBULAHEX_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present) at $CHROMIUM"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "chromium: not found at $CHROMIUM; installing Debian's package"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
"$CHROMIUM" --version
