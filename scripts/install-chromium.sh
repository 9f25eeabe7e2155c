#!/bin/sh
# install-chromium.sh installs the Debian package chromium, which the
# browser tests of `newsarchive serve` (cmd/newsarchive/serve_test.go) drive
# through chromedp. It does nothing when Chromium is already installed, so CI
# can call it on every run.
#
# Usage: scripts/install-chromium.sh
set -eu

for b in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
	if [ -x "$b" ]; then
		echo "install-chromium: $b already installed"
		exit 0
	fi
done

if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-chromium: apt-get not found; install Chromium by hand (the browser tests skip without it)" >&2
	exit 1
fi

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-chromium: need root (or sudo) to run apt-get" >&2
		exit 1
	fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
echo "install-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
