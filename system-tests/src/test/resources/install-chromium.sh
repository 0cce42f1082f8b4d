#!/bin/sh
# ConsoleIT's browser: Debian's chromium (Playwright's own browser download cannot work here).
# Installs it when /usr/bin/chromium is missing; ~35 s on the development machine. Needs root (or sudo).
set -e
[ -x /usr/bin/chromium ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium
[ -x /usr/bin/chromium ]
