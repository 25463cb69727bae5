#!/usr/bin/env bash
# Install the Debian packages ServiceCircle needs, if they are missing:
#   fonts-noto-cjk  Chinese text in maps, PNG and PDF reports (always)
#   poppler-utils   PDF checks in the tests            (skipped with --app)
#   chromium        the browser test                   (skipped with --app)
#   postgresql-15-postgis-3  PostgreSQL 15 + PostGIS 3 for the scenario-store tests (skipped with --app;
#                   the tests start their own throw-away server; a district's shared store runs on one)
# With --app (used by `make run`) a failure only warns: the app still starts, PDF text may lack CJK glyphs.
set -euo pipefail
mode="${1:-}"
need=()
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
if [ "$mode" != "--app" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
  [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/postgis.control ] \
    || need+=(postgresql-15-postgis-3)
fi
[ ${#need[@]} -eq 0 ] && exit 0
fail() {
  if [ "$mode" = "--app" ]; then echo "WARNING: $1" >&2; exit 0; else echo "ERROR: $1" >&2; exit 1; fi
}
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || fail "missing Debian packages: ${need[*]} (as root: apt-get install -y ${need[*]})"
  SUDO=sudo
fi
command -v apt-get >/dev/null 2>&1 || fail "no apt-get here; install these packages yourself: ${need[*]}"
echo "Installing Debian packages: ${need[*]}"
$SUDO apt-get update -qq || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null || fail "could not install ${need[*]}"
