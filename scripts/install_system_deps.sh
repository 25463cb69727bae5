#!/usr/bin/env bash
# Install the Debian packages the tests and reports need, if they are missing:
# chromium (browser test), fonts-noto-cjk (Chinese in maps, PNG and PDF), poppler-utils (PDF checks).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "Missing Debian packages: ${need[*]} (run as root: apt-get install -y ${need[*]})" >&2; exit 1; fi
else SUDO=""; fi
echo "Installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
