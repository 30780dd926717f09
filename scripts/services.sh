#!/usr/bin/env bash
# Local services for CityLoop, one isolated set per profile (dev | test):
#
#   postgres  PostgreSQL 15 + PostGIS, cluster in var/PROFILE/pg/data, socket in var/PROFILE/pg,
#             TCP on 127.0.0.1:PGPORT, trust auth, superuser "postgres"
#   s3        s3rver (S3 stand-in), data in var/PROFILE/s3, bucket "cityloop", keys S3RVER/S3RVER
#   auth      Firebase Auth emulator (project demo-cityloop), config var/PROFILE/firebase/firebase.json
#   payments  dev only: the fake WeChat Pay and Alipay (python -m housing.providers.fakes), their client
#             config (keys made at each start) in var/dev/payment_providers.json; var/dev/env points the API
#             at it (PAYMENTS_CONFIG_FILE) and names where they call back (PAYMENTS_NOTIFY_ORIGIN,
#             http://127.0.0.1:$PORT, PORT as when the env was written, 8000 by default). Tests start
#             their own fakes. Restart the API after the fakes restart: their keys are new.
#
# Usage:
#   scripts/services.sh start  PROFILE          start what is not running (reuses what is), write var/PROFILE/env
#   scripts/services.sh stop   PROFILE          stop everything of the profile
#   scripts/services.sh status PROFILE          one line per service; exit 0 only if all are up
#   scripts/services.sh start-one PROFILE postgres|s3|auth|payments     (payments: dev only)
#   scripts/services.sh stop-one  PROFILE postgres|s3|auth|payments
#   scripts/services.sh env    PROFILE          print the env file (after a start)
#
# Ports are picked once (free, 20000-32000, distinct across profiles) and kept in var/PROFILE/ports;
# delete that file to re-pick. Logs: var/PROFILE/pg/postgres.log, var/PROFILE/s3.log, var/PROFILE/auth.log,
# var/dev/payments.log.
#
# By hand, what stop-one does:
#   postgres: runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D var/PROFILE/pg/data stop -m fast
#             (without runuser when not root)
#   s3:       kill -TERM -- -"$(cat var/PROFILE/s3.pid)"     (s3rver leads its own process group)
#   auth:     kill -TERM -- -"$(cat var/PROFILE/auth.pid)"
#   payments: kill -TERM -- -"$(cat var/dev/payments.pid)"
#
# Env knobs: SERVICES_TIMEOUT (seconds to wait for readiness, default 90),
#            CITYLOOP_DEV_AUTH=0 (do not start the Auth emulator for the dev profile),
#            CITYLOOP_DEV_PAYMENTS=0 (do not start the payment fakes; var/dev/env then names no provider),
#            PORT (the API's port the fakes call back, when it is not 8000).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_BIN=/usr/lib/postgresql/15/bin
TIMEOUT="${SERVICES_TIMEOUT:-90}"
FIREBASE_PROJECT=demo-cityloop
S3_BUCKET=cityloop
S3_KEY=S3RVER

log() { printf 'services[%s]: %s\n' "${PROFILE:-?}" "$*" >&2; }
die() { printf 'services[%s]: ERROR: %s\n' "${PROFILE:-?}" "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

CMD="${1:-}"
PROFILE="${2:-}"
ONE="${3:-}"
case "$CMD" in
    start | stop | status | env) [ $# -eq 2 ] || usage ;;
    start-one | stop-one)
        [ $# -eq 3 ] || usage
        case "$ONE" in postgres | s3 | auth | payments) ;; *) usage ;; esac
        ;;
    *) usage ;;
esac
case "$PROFILE" in dev | test) ;; *) usage ;; esac

VAR="$ROOT/var/$PROFILE"
PGDIR="$VAR/pg"
PGDATA="$PGDIR/data"
PGLOG="$PGDIR/postgres.log"
S3DIR="$VAR/s3"
S3PIDF="$VAR/s3.pid"
S3LOG="$VAR/s3.log"
FBDIR="$VAR/firebase"
FBHOME="$VAR/firebase-home"
FBPIDF="$VAR/auth.pid"
FBLOG="$VAR/auth.log"
PAYPIDF="$VAR/payments.pid"
PAYLOG="$VAR/payments.log"
PAYCONF="$VAR/payment_providers.json"
PORTSF="$VAR/ports"
ENVF="$VAR/env"

want_auth() { [ "$PROFILE" = test ] || [ "${CITYLOOP_DEV_AUTH:-1}" != 0 ]; }
# The payment fakes run for the dev profile only: tests start their own, in process.
want_payments() { [ "$PROFILE" = dev ] && [ "${CITYLOOP_DEV_PAYMENTS:-1}" != 0 ]; }
is_root() { [ "$(id -u)" = 0 ]; }

# Run a PostgreSQL server binary as the cluster owner (initdb and postgres refuse to run as root).
# fd 8 is the profile lock: a server started from here must not inherit (and so hold) it.
as_pg() {
    if is_root; then
        (cd "$PGDIR" && runuser -u postgres -- "$@" 8>&-)
    else
        "$@" 8>&-
    fi
}

python_bin() {
    if [ -x "$ROOT/.venv/bin/python" ]; then echo "$ROOT/.venv/bin/python"; else echo python3; fi
}

# --- ports ---------------------------------------------------------------------------------------
# Print a port that nothing listens on, avoiding the given ones. 20000-32000 is below Linux's
# ephemeral range (32768+), so outgoing connections will not take it later.
pick_port() {
    "$(python_bin)" - "$@" <<'PY'
import random, socket, sys
taken = {int(a) for a in sys.argv[1:] if a.isdigit()}
for _ in range(500):
    port = random.randint(20000, 32000)
    if port in taken:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    sys.exit(0)
sys.exit("no free port found")
PY
}

# Something accepts TCP connections on 127.0.0.1:$1.
# shellcheck disable=SC2016  # $1 is expanded by the inner bash
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

# Ports recorded by every profile (so a stopped profile keeps its ports reserved).
all_recorded_ports() {
    local f
    for f in "$ROOT"/var/*/ports; do
        [ -f "$f" ] || continue
        sed -n 's/^[A-Z_]*PORT=\([0-9][0-9]*\)$/\1/p' "$f"
    done
}

# The profile's port variables (the payment fakes' only for dev).
port_vars() {
    echo PGPORT S3PORT AUTHPORT AUTH_HUB_PORT AUTH_LOGGING_PORT
    if [ "$PROFILE" = dev ]; then echo WECHAT_PORT ALIPAY_PORT; fi
}

write_ports() {
    local tmp="$PORTSF.tmp" var
    {
        echo "# picked by scripts/services.sh; delete this file to pick new ports"
        for var in $(port_vars); do echo "$var=${!var}"; done
    } >"$tmp"
    mv "$tmp" "$PORTSF"
}

load_ports() {
    PGPORT="" S3PORT="" AUTHPORT="" AUTH_HUB_PORT="" AUTH_LOGGING_PORT="" WECHAT_PORT="" ALIPAY_PORT=""
    if [ -f "$PORTSF" ]; then
        # shellcheck disable=SC1090
        . "$PORTSF"
    fi
}

# Fill in missing ports (first run). With "repick", also replace ports held by a foreign process
# (only done by a full `start`, never by start-one, so running tests never see a port change).
ensure_ports() {
    local mode="${1:-}" changed=0 var taken
    load_ports
    for var in $(port_vars); do
        if [ -n "${!var}" ] && [ "$mode" = repick ] && ! service_owns_port "$var" && port_open "${!var}"; then
            log "port ${!var} ($var) is taken by another process; picking a new one"
            printf -v "$var" '%s' ""
        fi
        if [ -z "${!var}" ]; then
            taken="$(all_recorded_ports | tr '\n' ' ') $PGPORT $S3PORT $AUTHPORT $AUTH_HUB_PORT $AUTH_LOGGING_PORT"
            taken="$taken $WECHAT_PORT $ALIPAY_PORT"
            # shellcheck disable=SC2086
            printf -v "$var" '%s' "$(pick_port $taken)"
            changed=1
        fi
    done
    if [ "$changed" = 1 ]; then write_ports; fi
}

service_owns_port() {
    case "$1" in
        PGPORT) pg_running ;;
        S3PORT) pid_alive "$S3PIDF" "$S3DIR" ;;
        AUTHPORT | AUTH_HUB_PORT | AUTH_LOGGING_PORT) pid_alive "$FBPIDF" "$FBDIR/firebase.json" ;;
        WECHAT_PORT | ALIPAY_PORT) pid_alive "$PAYPIDF" "$PAYCONF" ;;
    esac
}

# --- process helpers -----------------------------------------------------------------------------
# pid_alive PIDFILE MARKER: the pid in PIDFILE is alive and its command line mentions MARKER
# (guards against a recycled pid).
pid_alive() {
    local pid
    pid="$(cat "$1" 2>/dev/null)" || return 1
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$2"
}

# Launch a command in its own session (it becomes a process-group leader, so stopping the group
# stops its children too), detached from the terminal, output appended to LOG; pid into PIDFILE.
launch() {
    local pidfile="$1" logfile="$2"
    shift 2
    if [ -f "$logfile" ]; then mv -f "$logfile" "$logfile.prev"; fi
    : >"$logfile"
    rm -f "$pidfile"
    # shellcheck disable=SC2016  # expanded by the inner bash, which then becomes the service
    setsid nohup bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pidfile" "$@" >>"$logfile" 2>&1 </dev/null 8>&- &
    local i
    for i in $(seq 1 50); do
        [ -s "$pidfile" ] && return 0
        sleep 0.05
    done
    return 1
}

# Some member of process group $1 is still running. Zombies do not count: this machine's init
# reaps orphans only every few seconds, and a zombie holds no port or file.
group_alive() {
    ps -eo pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

# Stop the process group led by the pid in PIDFILE: TERM, then KILL after a grace period.
stop_group() {
    local pidfile="$1" marker="$2" name="$3"
    if ! pid_alive "$pidfile" "$marker"; then
        rm -f "$pidfile"
        return 0
    fi
    kill_group "$(cat "$pidfile")" "$name"
    rm -f "$pidfile"
}

kill_group() {
    local pid="$1" name="$2" i
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 200); do
        group_alive "$pid" || break
        sleep 0.05
        if [ "$i" = 100 ]; then kill -TERM -- "-$pid" 2>/dev/null || true; fi # firebase: 2nd TERM = now
    done
    if group_alive "$pid"; then
        log "$name did not stop on SIGTERM; sending SIGKILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
}

# Processes left behind by an earlier crash of this script (pid file lost), found by the
# profile's own absolute data paths in their command line. Only ever this checkout's profile.
stray_pids() {
    local p cmd
    for p in /proc/[0-9]*; do
        cmd="$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" || continue
        case "$cmd" in
            *"--directory $S3DIR "* | *"--config $FBDIR/firebase.json"* | *"--config-out $PAYCONF"*)
                echo "${p#/proc/}"
                ;;
        esac
    done
}

fail() {
    # fail NAME LOGFILE REASON
    printf 'services[%s]: ERROR: %s failed: %s\n' "$PROFILE" "$1" "$3" >&2
    if [ -f "$2" ]; then
        printf -- '----- last 40 lines of %s -----\n' "$2" >&2
        tail -n 40 "$2" >&2
        printf -- '-----\n' >&2
    fi
    exit 1
}

# wait_for NAME LOGFILE PIDFILE|"" MARKER CHECK-FUNCTION...
wait_for() {
    local name="$1" logfile="$2" pidfile="$3" marker="$4"
    shift 4
    local deadline=$((SECONDS + TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if "$@"; then return 0; fi
        if [ -n "$pidfile" ] && ! pid_alive "$pidfile" "$marker"; then
            fail "$name" "$logfile" "process exited during startup"
        fi
        sleep 0.2
    done
    if [ -n "$pidfile" ]; then stop_group "$pidfile" "$marker" "$name"; fi
    fail "$name" "$logfile" "not ready after ${TIMEOUT}s (SERVICES_TIMEOUT); stopped it"
}

# --- PostgreSQL ----------------------------------------------------------------------------------
pg_socket_dir() {
    # A unix socket path must fit in 107 bytes; fall back to /tmp for deep checkouts.
    local sock="$PGDIR/.s.PGSQL.$PGPORT"
    if [ "${#sock}" -le 100 ]; then
        echo "$PGDIR"
    else
        echo "/tmp/cityloop-pg-$(printf '%s' "$PGDIR" | sha256sum | cut -c1-12)"
    fi
}

# The postmaster named in postmaster.pid is alive (and not a zombie: see group_alive).
pg_running() {
    local pid state
    pid="$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null)" || return 1
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
    state="$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)"
    [ "$state" != Z ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "postgres"
}

pg_ready() {
    "$PG_BIN/pg_isready" -q -h "$PGSOCK" -p "$PGPORT" -U postgres -t 2 \
        && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -t 2
}

psql_() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGSOCK" -p "$PGPORT" -U postgres "$@"; }

# postgres must be able to reach var/PROFILE/pg: give o+x to any directory on the way that lacks it.
pg_make_traversable() {
    is_root || return 0
    if runuser -u postgres -- test -x "$PGDIR" 2>/dev/null; then return 0; fi
    local d="$PGDIR"
    local dirs=()
    while [ "$d" != / ]; do
        dirs=("$d" "${dirs[@]}")
        d="$(dirname "$d")"
    done
    for d in "${dirs[@]}"; do
        if ! runuser -u postgres -- test -x "$d" 2>/dev/null; then
            log "chmod o+x $d (so the postgres user can reach the cluster)"
            chmod o+x "$d"
        fi
    done
}

pg_init() {
    [ -x "$PG_BIN/initdb" ] || die "$PG_BIN/initdb not found; run scripts/bootstrap.sh"
    mkdir -p "$PGDIR"
    if is_root; then chown postgres: "$PGDIR"; fi
    pg_make_traversable
    if [ -f "$PGDATA/PG_VERSION" ]; then return 0; fi
    rm -rf "$PGDATA" # a half-made cluster from an interrupted initdb
    log "initdb $PGDATA"
    local locale=C
    if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then locale=C.UTF-8; fi
    if ! as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 \
        --locale="$locale" --no-sync >"$PGDIR/initdb.log" 2>&1; then
        fail postgres "$PGDIR/initdb.log" "initdb failed"
    fi
    echo "include_if_exists = 'cityloop.conf'   # written by scripts/services.sh at every start" \
        | as_pg tee -a "$PGDATA/postgresql.conf" >/dev/null
}

pg_write_conf() {
    {
        echo "# Written by scripts/services.sh at every start; edits are overwritten."
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $PGPORT"
        echo "unix_socket_directories = '$PGSOCK'"
        echo "max_connections = 200"
        echo "timezone = 'UTC'"
        echo "log_timezone = 'UTC'"
        if [ "$PROFILE" = test ]; then
            echo "# throwaway test cluster: durability off for speed"
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | as_pg tee "$PGDATA/cityloop.conf" >/dev/null
}

# After a crash (kill -9) the dead postmaster stays a zombie until init reaps it, and postgres
# refuses to start while that pid exists. Wait for it to go.
pg_wait_stale_postmaster() {
    local pid i
    pid="$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null)" || return 0
    [ -n "$pid" ] || return 0
    for i in $(seq 1 300); do
        [ -e "/proc/$pid" ] || return 0
        if [ "$i" = 1 ]; then log "waiting for the old postmaster (pid $pid) to be reaped"; fi
        sleep 0.1
    done
}

start_postgres() {
    PGSOCK="$(pg_socket_dir)"
    if pg_running; then
        if wait_ready_briefly pg_ready; then
            log "postgres already running on port $PGPORT"
            return 0
        fi
        log "postgres is running but not answering; restarting it"
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast -w -t 30 >/dev/null 2>&1 || true
    fi
    pg_init
    if [ "$PGSOCK" != "$PGDIR" ]; then
        mkdir -p "$PGSOCK"
        if is_root; then chown postgres: "$PGSOCK"; fi
    fi
    if port_open "$PGPORT"; then
        fail postgres "" "port $PGPORT is already in use by another process (delete $PORTSF to re-pick)"
    fi
    pg_write_conf
    pg_wait_stale_postmaster
    if [ -f "$PGLOG" ]; then as_pg mv -f "$PGLOG" "$PGLOG.prev"; fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t "$TIMEOUT" -s start; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m immediate -w -t 30 -s >/dev/null 2>&1 || true
        fail postgres "$PGLOG" "pg_ctl start failed"
    fi
    wait_for postgres "$PGLOG" "" "" pg_ready
    log "postgres up on 127.0.0.1:$PGPORT and $PGSOCK"
}

# After start: the dev database with PostGIS (the test harness makes its own databases).
pg_prepare() {
    local ok
    ok="$(psql_ -d postgres -tAc "SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")"
    [ "$ok" = 1 ] || fail postgres "$PGLOG" "the postgis extension is not installed (postgresql-15-postgis-3)"
    if [ "$PROFILE" = dev ]; then
        if [ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'cityloop'")" != 1 ]; then
            psql_ -d postgres -c 'CREATE DATABASE cityloop' >/dev/null
            log "created database cityloop"
        fi
        psql_ -d cityloop -c 'CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null 2>&1 \
            || fail postgres "$PGLOG" "CREATE EXTENSION postgis failed in database cityloop"
    fi
}

stop_postgres() {
    PGSOCK="$(pg_socket_dir)"
    if pg_running; then
        as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m fast -w -t 60 -s \
            || as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" stop -m immediate -w -t 30 -s || true
        log "postgres stopped"
    fi
}

# --- s3rver --------------------------------------------------------------------------------------
s3_ready() {
    curl -fsS -m 2 "http://127.0.0.1:$S3PORT/" 2>/dev/null | grep -q "<Name>$S3_BUCKET</Name>"
}

start_s3() {
    local bin="$ROOT/node_modules/.bin/s3rver"
    [ -x "$bin" ] || die "$bin not found; run scripts/bootstrap.sh"
    if pid_alive "$S3PIDF" "$S3DIR"; then
        if wait_ready_briefly s3_ready; then
            log "s3rver already running on port $S3PORT"
            return 0
        fi
        log "s3rver is running but not answering; restarting it"
        stop_group "$S3PIDF" "$S3DIR" s3rver
    fi
    if port_open "$S3PORT"; then
        fail s3rver "" "port $S3PORT is already in use by another process (delete $PORTSF to re-pick)"
    fi
    mkdir -p "$S3DIR"
    launch "$S3PIDF" "$S3LOG" env -u CI NO_UPDATE_NOTIFIER=1 \
        "$bin" --directory "$S3DIR" --address 127.0.0.1 --port "$S3PORT" \
        --no-vhost-buckets --configure-bucket "$S3_BUCKET" \
        || fail s3rver "$S3LOG" "could not launch"
    S3_STARTED=1
}

# --- Firebase Auth emulator ----------------------------------------------------------------------
auth_ready() {
    curl -fsS -m 2 "http://127.0.0.1:$AUTHPORT/" 2>/dev/null | grep -q '"authEmulator"'
}

start_auth() {
    local bin="$ROOT/node_modules/.bin/firebase"
    [ -x "$bin" ] || die "$bin not found; run scripts/bootstrap.sh"
    if pid_alive "$FBPIDF" "$FBDIR/firebase.json"; then
        if wait_ready_briefly auth_ready; then
            log "auth emulator already running on port $AUTHPORT"
            return 0
        fi
        log "auth emulator is running but not answering; restarting it"
        stop_group "$FBPIDF" "$FBDIR/firebase.json" "auth emulator"
    fi
    local p
    for p in "$AUTHPORT" "$AUTH_HUB_PORT" "$AUTH_LOGGING_PORT"; do
        if port_open "$p"; then
            fail "auth emulator" "" "port $p is already in use by another process (delete $PORTSF to re-pick)"
        fi
    done
    mkdir -p "$FBDIR" "$FBHOME/.config" "$FBHOME/.cache" "$FBHOME/tmp"
    cat >"$FBDIR/firebase.json" <<EOF
{
  "emulators": {
    "singleProjectMode": true,
    "auth": { "host": "127.0.0.1", "port": $AUTHPORT },
    "hub": { "host": "127.0.0.1", "port": $AUTH_HUB_PORT },
    "logging": { "host": "127.0.0.1", "port": $AUTH_LOGGING_PORT },
    "ui": { "enabled": false }
  }
}
EOF
    # HOME/XDG/TMPDIR inside var/: no dependency on the user's firebase login or config, and the hub
    # locator file (TMPDIR/hub-PROJECT.json) stays per profile. CI=true skips the MOTD fetch,
    # NO_UPDATE_NOTIFIER skips the npm version check; usage analytics are off without a login.
    (
        cd "$FBDIR"
        launch "$FBPIDF" "$FBLOG" env \
            -u GOOGLE_APPLICATION_CREDENTIALS -u FIREBASE_AUTH_EMULATOR_HOST -u FIREBASE_TOKEN \
            -u GCLOUD_PROJECT -u GOOGLE_CLOUD_PROJECT -u FIREBASE_CONFIG \
            HOME="$FBHOME" XDG_CONFIG_HOME="$FBHOME/.config" XDG_CACHE_HOME="$FBHOME/.cache" \
            TMPDIR="$FBHOME/tmp" CI=true NO_UPDATE_NOTIFIER=1 \
            "$bin" emulators:start --only auth --project "$FIREBASE_PROJECT" --config "$FBDIR/firebase.json"
    ) || fail "auth emulator" "$FBLOG" "could not launch"
    AUTH_STARTED=1
}

# --- payment fakes (dev) -------------------------------------------------------------------------
# Up: both answer, and they have written the client config (the log line comes after the file).
payments_ready() {
    [ -s "$PAYCONF" ] && grep -qF "client configuration: $PAYCONF" "$PAYLOG" 2>/dev/null \
        && curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$WECHAT_PORT/_dev/orders" 2>/dev/null \
        && curl -fsS -m 2 -o /dev/null "http://127.0.0.1:$ALIPAY_PORT/_dev/orders" 2>/dev/null
}

start_payments() {
    [ "$PROFILE" = dev ] || die "the payment fakes run for the dev profile only (tests start their own)"
    if pid_alive "$PAYPIDF" "$PAYCONF"; then
        if wait_ready_briefly payments_ready; then
            log "payment fakes already running (WeChat Pay :$WECHAT_PORT, Alipay :$ALIPAY_PORT)"
            return 0
        fi
        log "payment fakes are running but not answering; restarting them"
        stop_group "$PAYPIDF" "$PAYCONF" "payment fakes"
    fi
    local p
    for p in "$WECHAT_PORT" "$ALIPAY_PORT"; do
        if port_open "$p"; then
            fail "payment fakes" "" "port $p is already in use by another process (delete $PORTSF to re-pick)"
        fi
    done
    rm -f "$PAYCONF" # written afresh (new keys) once both fakes listen
    (
        cd "$ROOT"
        launch "$PAYPIDF" "$PAYLOG" "$(python_bin)" -m housing.providers.fakes \
            --wechat-port "$WECHAT_PORT" --alipay-port "$ALIPAY_PORT" --config-out "$PAYCONF"
    ) || fail "payment fakes" "$PAYLOG" "could not launch"
    PAY_STARTED=1
}

wait_ready_briefly() {
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        if "$@"; then return 0; fi
        sleep 0.3
    done
    return 1
}

# --- env file ------------------------------------------------------------------------------------
write_env() {
    PGSOCK="$(pg_socket_dir)"
    local tmp="$ENVF.tmp"
    {
        echo "# Written by scripts/services.sh start $PROFILE; source it (bash)."
        envline CITYLOOP_ENV "$PROFILE"
        envline CITYLOOP_ROOT "$ROOT"
        envline CITYLOOP_SERVICES "$ROOT/scripts/services.sh"
        envline PGHOST_SOCKET "$PGSOCK"
        envline PGHOST "$PGSOCK"
        envline PGPORT "$PGPORT"
        envline PGUSER postgres
        envline PG_BIN "$PG_BIN"
        envline PG_CTL_DATA "$PGDATA"
        envline DATABASE_URL "postgresql://postgres@127.0.0.1:$PGPORT/cityloop"
        envline DATABASE_ADMIN_URL "postgresql://postgres@127.0.0.1:$PGPORT/postgres"
        envline S3_ENDPOINT "127.0.0.1:$S3PORT"
        envline S3_ACCESS_KEY "$S3_KEY"
        envline S3_SECRET_KEY "$S3_KEY"
        envline S3_BUCKET "$S3_BUCKET"
        envline S3_SECURE 0
        envline S3_REGION us-east-1
        if want_auth; then
            envline FIREBASE_AUTH_EMULATOR_HOST "127.0.0.1:$AUTHPORT"
            envline FIREBASE_PROJECT_ID "$FIREBASE_PROJECT"
            envline GOOGLE_CLOUD_PROJECT "$FIREBASE_PROJECT"
        fi
        if want_payments; then
            # the fakes' client config, and where they call back: the API that `make run` serves
            envline PAYMENTS_CONFIG_FILE "$PAYCONF"
            envline PAYMENTS_NOTIFY_ORIGIN "http://127.0.0.1:${PORT:-8000}"
        fi
    } >"$tmp"
    mv "$tmp" "$ENVF"
}

envline() { printf 'export %s=%q\n' "$1" "$2"; }

# --- commands ------------------------------------------------------------------------------------
S3_STARTED=0
AUTH_STARTED=0
PAY_STARTED=0

start_services() {
    # which: all | postgres | s3 | auth | payments
    local which="$1"
    mkdir -p "$VAR"
    # ports are picked under a lock shared by all profiles, so two cold starts cannot pick the same
    (
        flock 7
        if [ "$which" = all ]; then ensure_ports repick; else ensure_ports; fi
    ) 7>"$ROOT/var/.ports.lock"
    load_ports
    # The node services boot in the background while postgres starts.
    if [ "$which" = all ] || [ "$which" = auth ]; then
        if want_auth || [ "$which" = auth ]; then start_auth; fi
    fi
    if [ "$which" = all ] || [ "$which" = s3 ]; then start_s3; fi
    if [ "$which" = payments ] || { [ "$which" = all ] && want_payments; }; then start_payments; fi
    if [ "$which" = all ] || [ "$which" = postgres ]; then
        start_postgres
        pg_prepare
    fi
    if [ "$S3_STARTED" = 1 ]; then
        wait_for s3rver "$S3LOG" "$S3PIDF" "$S3DIR" s3_ready
        log "s3rver up on 127.0.0.1:$S3PORT (bucket $S3_BUCKET)"
    fi
    if [ "$AUTH_STARTED" = 1 ]; then
        wait_for "auth emulator" "$FBLOG" "$FBPIDF" "$FBDIR/firebase.json" auth_ready
        log "auth emulator up on 127.0.0.1:$AUTHPORT (project $FIREBASE_PROJECT)"
    fi
    if [ "$PAY_STARTED" = 1 ]; then
        wait_for "payment fakes" "$PAYLOG" "$PAYPIDF" "$PAYCONF" payments_ready
        log "payment fakes up: WeChat Pay http://127.0.0.1:$WECHAT_PORT, Alipay http://127.0.0.1:$ALIPAY_PORT" \
            "(pay by hand at /_dev/ of either; client config $PAYCONF)"
    fi
    write_env
}

stop_services() {
    local which="$1" pid
    [ -d "$VAR" ] || return 0
    load_ports
    if [ "$which" = all ] || [ "$which" = auth ]; then
        stop_group "$FBPIDF" "$FBDIR/firebase.json" "auth emulator"
    fi
    if [ "$which" = all ] || [ "$which" = s3 ]; then
        stop_group "$S3PIDF" "$S3DIR" s3rver
    fi
    if [ "$which" = all ] || [ "$which" = payments ]; then
        stop_group "$PAYPIDF" "$PAYCONF" "payment fakes"
    fi
    if [ "$which" = all ] || [ "$which" = postgres ]; then
        if [ -n "$PGPORT" ]; then stop_postgres; fi
    fi
    if [ "$which" = all ]; then
        for pid in $(stray_pids); do
            log "stopping leftover process $pid ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120))"
            kill_group "$pid" "leftover process $pid"
        done
    fi
    log "stopped ${which/all/all services}"
}

status_services() {
    local rc=0
    load_ports
    if [ -z "$PGPORT" ]; then
        echo "$PROFILE: never started"
        return 3
    fi
    PGSOCK="$(pg_socket_dir)"
    if pg_running && pg_ready; then
        echo "postgres  up    127.0.0.1:$PGPORT  socket $PGSOCK"
    else
        echo "postgres  down  (port $PGPORT)"
        rc=3
    fi
    if pid_alive "$S3PIDF" "$S3DIR" && s3_ready; then
        echo "s3        up    127.0.0.1:$S3PORT  pid $(cat "$S3PIDF")"
    else
        echo "s3        down  (port $S3PORT)"
        rc=3
    fi
    if pid_alive "$FBPIDF" "$FBDIR/firebase.json" && auth_ready; then
        echo "auth      up    127.0.0.1:$AUTHPORT  pid $(cat "$FBPIDF")"
    elif want_auth; then
        echo "auth      down  (port $AUTHPORT)"
        rc=3
    else
        echo "auth      off   (CITYLOOP_DEV_AUTH=0)"
    fi
    if [ "$PROFILE" = dev ]; then
        if pid_alive "$PAYPIDF" "$PAYCONF" && payments_ready; then
            echo "payments  up    127.0.0.1:$WECHAT_PORT (WeChat Pay) 127.0.0.1:$ALIPAY_PORT (Alipay)  pid $(cat "$PAYPIDF")"
        elif want_payments; then
            echo "payments  down  (ports $WECHAT_PORT, $ALIPAY_PORT)"
            rc=3
        else
            echo "payments  off   (CITYLOOP_DEV_PAYMENTS=0)"
        fi
    fi
    return "$rc"
}

# One start/stop at a time per profile (parallel test workers may call start-one/stop-one).
mkdir -p "$VAR"
exec 8>"$VAR/.services.lock"
flock 8

case "$CMD" in
    start) start_services all ;;
    start-one) start_services "$ONE" ;;
    stop) stop_services all ;;
    stop-one) stop_services "$ONE" ;;
    status) status_services ;;
    env)
        [ -f "$ENVF" ] || die "$ENVF does not exist; run: scripts/services.sh start $PROFILE"
        cat "$ENVF"
        ;;
esac
