#!/usr/bin/env bash
# Bring a checkout to the point where `scripts/services.sh` and the Python tooling work:
#   - PostgreSQL 15 + PostGIS 3 (Debian: postgresql-15 postgresql-15-postgis-3)
#   - the CJK font that PDF receipts embed (Debian: fonts-wqy-microhei)
#   - Node.js + npm (Debian: nodejs npm), then `npm ci` for s3rver, firebase-tools and the console's
#     browser libraries (htmx, Leaflet, ECharts: served from node_modules by console/assets.py)
#   - Chromium (Debian: chromium), which the console's browser tests drive through Playwright; no browser is
#     ever downloaded (`playwright install` is never run)
#   - .venv (Python 3.11) with `pip install -e '.[dev]'`
#
# Idempotent and fast when nothing changed: stamps under var/bootstrap/ hold the hash of
# package-lock.json and pyproject.toml that the last successful install used.
# Java is NOT needed: the Firebase Auth emulator is plain Node (only Firestore/Database/PubSub/Storage
# emulators are Java), so nothing here installs it.
#
# Environment:
#   BOOTSTRAP_FORCE=1   reinstall npm and pip dependencies even if the stamps match
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PG_BIN=/usr/lib/postgresql/15/bin
POSTGIS_CONTROL=/usr/share/postgresql/15/extension/postgis.control
STAMPS="$ROOT/var/bootstrap"

log() { printf 'bootstrap: %s\n' "$*" >&2; }
die() { printf 'bootstrap: ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=0
apt_install() {
    # apt_install WHAT pkg...
    local what="$1"; shift
    if ! is_root; then
        die "$what is missing and we are not root. Install it with: sudo apt-get install -y $*"
    fi
    command -v apt-get >/dev/null 2>&1 || die "$what is missing and apt-get is not available; install: $*"
    log "installing $what: apt-get install -y $*"
    if [ "$apt_updated" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

sha_of() { sha256sum "$@" | sha256sum | cut -c1-64; }

mkdir -p "$STAMPS"
# Two `make` invocations (e.g. `make run` and `make test`) may bootstrap at the same time.
exec 9>"$STAMPS/.lock"
flock 9

# --- base tools used by the scripts -------------------------------------------------------------
missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v flock >/dev/null 2>&1 || missing+=(util-linux)
command -v sha256sum >/dev/null 2>&1 || missing+=(coreutils)
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "base tools" "${missing[@]}"
fi

# --- PostgreSQL 15 + PostGIS ---------------------------------------------------------------------
if [ ! -x "$PG_BIN/initdb" ] || [ ! -f "$POSTGIS_CONTROL" ]; then
    apt_install "PostgreSQL 15 with PostGIS" postgresql-15 postgresql-15-postgis-3
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb still missing after install"
    [ -f "$POSTGIS_CONTROL" ] || die "$POSTGIS_CONTROL still missing after install"
    # The Debian package starts a system cluster on port 5432; we never use it.
fi

# --- CJK font for the PDF receipts (housing/receipts.py) -----------------------------------------
# CITYLOOP_RECEIPT_FONT, when set to an existing file, replaces it (see housing.receipts.find_receipt_font).
RECEIPT_FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ ! -f "$RECEIPT_FONT" ] && [ ! -f "${CITYLOOP_RECEIPT_FONT:-}" ]; then
    apt_install "the CJK font for receipts" fonts-wqy-microhei
    [ -f "$RECEIPT_FONT" ] || die "$RECEIPT_FONT still missing after install"
fi

# --- Node.js + npm -------------------------------------------------------------------------------
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install "Node.js and npm" nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    log "WARNING: node $(node --version) is older than 20, which firebase-tools 15 declares it needs"
fi

lock_hash="$(sha_of package.json package-lock.json)"
if [ "${BOOTSTRAP_FORCE:-0}" = 1 ] || [ ! -d node_modules ] \
    || [ ! -x node_modules/.bin/s3rver ] || [ ! -x node_modules/.bin/firebase ] \
    || [ "$(cat "$STAMPS/npm.sha256" 2>/dev/null)" != "$lock_hash" ]; then
    log "npm ci (package-lock.json changed or node_modules missing)"
    # --ignore-scripts: the only native build in the tree is re2 (used by the Hosting emulator, not by
    # Auth); skipping it takes `npm ci` from ~90 s to ~15 s and needs no compiler.
    NO_UPDATE_NOTIFIER=1 npm ci --ignore-scripts --prefer-offline --no-audit --no-fund --loglevel=error >&2
    printf '%s\n' "$lock_hash" >"$STAMPS/npm.sha256"
fi

# --- Chromium for the console's browser tests (tests/console/test_browser.py) ---------------------
if [ ! -x /usr/bin/chromium ]; then
    apt_install "Chromium for the console's browser tests" chromium
    [ -x /usr/bin/chromium ] || die "/usr/bin/chromium still missing after install"
fi

# --- Python venv ---------------------------------------------------------------------------------
find_python() {
    local cand
    for cand in python3.11 python3; do
        if command -v "$cand" >/dev/null 2>&1 \
            && "$cand" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            command -v "$cand"
            return 0
        fi
    done
    return 1
}

venv_ok() {
    [ -x .venv/bin/python ] \
        && .venv/bin/python -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null
}

if ! venv_ok; then
    py="$(find_python)" || {
        if is_root && apt-cache show python3.11 >/dev/null 2>&1; then
            apt_install "Python 3.11" python3.11 python3.11-venv
            py="$(find_python)" || die "python3.11 still not found"
        else
            die "Python 3.11 not found (tried python3.11, python3). Install python3.11 and python3.11-venv."
        fi
    }
    log "creating .venv with $py"
    rm -rf .venv
    "$py" -m venv .venv
    rm -f "$STAMPS/pip.sha256"
fi

py_hash="$(sha_of pyproject.toml)"
if [ "${BOOTSTRAP_FORCE:-0}" = 1 ] || [ "$(cat "$STAMPS/pip.sha256" 2>/dev/null)" != "$py_hash" ]; then
    log "pip install -e '.[dev]' (pyproject.toml changed or new venv)"
    # (the filter drops this machine's pip.conf noise about absent local index folders)
    PIP_DISABLE_PIP_VERSION_CHECK=1 .venv/bin/pip install --quiet -e '.[dev]' 2>&1 \
        | { grep -v 'is neither a file nor a directory' || true; } >&2
    printf '%s\n' "$py_hash" >"$STAMPS/pip.sha256"
fi
