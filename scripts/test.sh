#!/usr/bin/env bash
# `make test`: start the test services, run lint, the contract check and pytest (-n 2).
#   - arguments are passed to pytest (make test PYTEST_ARGS='-k cases -x')
#   - exit code: pytest's when it fails (5 = no tests ran counts as a failure), else 1 if lint or
#     the contract check failed, else 0
#   - the test services are stopped at the end when CI=true or when this run started them
#     (a profile that was already fully up is left running for the next run)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 1
SERVICES="$ROOT/scripts/services.sh"
MAKE_BIN="${MAKE:-make}"

stop_after=0
if [ "${CI:-}" = true ] || ! "$SERVICES" status test >/dev/null 2>&1; then
    stop_after=1
fi

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    if [ "$stop_after" = 1 ]; then
        # quiet on success so pytest's summary stays the last thing printed
        if ! "$SERVICES" stop test >"$ROOT/var/test/stop.log" 2>&1; then
            cat "$ROOT/var/test/stop.log" >&2
        fi
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$SERVICES" start test || exit 1
# shellcheck source=/dev/null
. "$ROOT/var/test/env"

failed=()
"$MAKE_BIN" --no-print-directory lint || failed+=(lint)
"$MAKE_BIN" --no-print-directory contract-check || failed+=(contract-check)

rc=0
"$ROOT/.venv/bin/python" -m pytest -n 2 "$@" || rc=$?

if [ "$rc" = 5 ]; then
    echo "make test: pytest collected no tests (exit 5), which counts as a failure" >&2
fi
if [ "${#failed[@]}" -gt 0 ]; then
    echo "make test: FAILED: ${failed[*]}" >&2
    if [ "$rc" = 0 ]; then rc=1; fi
fi
exit "$rc"
