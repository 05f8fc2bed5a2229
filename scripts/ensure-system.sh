#!/usr/bin/env bash
# Installs the Debian packages the stack, the demo and the tests need, when they are missing.
# Runs before `npm start` and `npm test`; a no-op once everything is there.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have java || need+=(openjdk-17-jre-headless)
have mvn || need+=(maven)
have prometheus || need+=(prometheus)
have prometheus-alertmanager || need+=(prometheus-alertmanager)
have chromium || need+=(chromium)

if [ "${#need[@]}" -eq 0 ]; then exit 0; fi

if [ "$(id -u)" != 0 ] && ! have sudo; then
  echo "kafka-autopilot needs these Debian packages: ${need[*]}" >&2
  echo "install them with: apt-get install -y ${need[*]}" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
