#!/usr/bin/env bash
# Issue 13's table, every row measured by its bench in one run on this machine (bench/README.md, "The table"):
#
#   bench/table.sh [QUEUES_DB]      # make services first; about 55 minutes (the soak is 30)
#
#   1. GET /healthz and GET /v1/me against a bare Litestar app    bench.http_baseline
#   2. report submission at 200/s offered, CPU and statements     bench.submit_report --rate 200
#   3. photo pipeline against naive Pillow and the decode floor   bench.photo_pipeline
#   4. map box, vector tiles and indicators at 1,000,000 cases    bench.queues (QUEUES_DB: a database kept by
#                                                                 `bench.queues --keep`; else one is generated,
#                                                                 15 more minutes, and dropped)
#   5. RSS idle after start and over a 30-minute soak             bench.soak
#
# Each bench prints the machine it ran on; the whole output goes to var/bench/table-<UTC time>.log as well.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

[ -f var/dev/env ] || { echo "no var/dev/env: run 'make services' first" >&2; exit 1; }
mkdir -p var/bench
log="var/bench/table-$(date -u +%Y%m%dT%H%MZ).log"
queues=(--only map,tiles,indicators --jit off --custom-plans)  # as the app's connections (api/db.py)
if [ $# -ge 1 ]; then queues+=(--reuse "$1"); fi

bench() {  # a bench exits 1 when its target is missed: the table goes on
    echo
    echo "== $(date -u +%H:%M:%S) python -m $*  (load: $(cut -d' ' -f1-3 /proc/loadavg))"
    .venv/bin/python -m "$@" || echo "== exit status $?"
}

{
    echo "bench/table.sh at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' || echo ' (modified)'), $(date -u)"
    bench bench.http_baseline
    bench bench.submit_report --rate 200 --duration 20
    bench bench.photo_pipeline
    bench bench.queues "${queues[@]}"
    bench bench.soak --minutes 30
    echo
    echo "== $(date -u +%H:%M:%S) done"
} 2>&1 | tee "$log"
echo "written: $log"
