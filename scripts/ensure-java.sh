#!/usr/bin/env bash
# Installs Java 17+ and Maven from Debian's packages when missing (CI starts on a fresh
# machine as root). The embedded database needs them; with MONGODB_URI nothing is needed.
set -euo pipefail
if [ -n "${MONGODB_URI:-}" ] || { command -v javac >/dev/null && command -v mvn >/dev/null; }; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "The embedded database needs Java 17+ (javac) and Maven: install them, or set MONGODB_URI." >&2
  exit 1
fi
echo "Installing Java and Maven from Debian's packages…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
