#!/usr/bin/env bash
# Install the Debian packages the test suite needs, skipping what is already there.
#   postgresql       throwaway server for the PostgreSQL test run (scripts/test-postgres.sh)
#   chromium         browser driven by Playwright in the browser tests
#   fonts-noto-core  so Vietnamese text renders in screenshots
#   redis-server     Celery broker for the job-runner tests (real Redis on loopback)
#   libpango-1.0-0, libpangoft2-1.0-0
#                    text layout WeasyPrint needs to print reports as PDF
#   fonts-liberation2 Liberation Serif 2 (metric-compatible with Times New Roman, with
#                    the Vietnamese letters) for report PDFs
set -euo pipefail

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing=()
if ! installed postgresql && ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    missing+=(postgresql)
fi
if ! installed chromium && [ ! -x /usr/bin/chromium ]; then
    missing+=(chromium)
fi
if ! installed fonts-noto-core; then
    missing+=(fonts-noto-core)
fi
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2; do
    installed "$package" || missing+=("$package")
done
if ! installed redis-server && ! command -v redis-server >/dev/null; then
    missing+=(redis-server)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: all present"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing Debian packages: ${missing[*]}" >&2
    echo "system-deps: run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
