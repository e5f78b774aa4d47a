#!/bin/bash
# bench-autofailover — what a desk sees when pg_auto_failover replaces a dead
# primary (issue 16). A manual benchmark, never run by `meson test` or CI; see
# docs/benchmarks.md, "Failover under pg_auto_failover".
#
#   apt-get install postgresql-15-auto-failover     # pg_autoctl 2.0
#   meson setup build -Dclient=false && meson compile -C build
#   tests/bench/bench-autofailover.sh [--residents N] [--server PATH]
#                                     [--demote-timeout MS]
#
# --demote-timeout sets pgautofailover.primary_demote_timeout (default 30000,
# pg_auto_failover's own) and the keepers' network_partition_timeout below
# it; FD_BENCH_KEEP=1 keeps the directory (logs) after the run.
# The nodes trust every TCP login from 127.0.0.1 for the run's length: run
# it on a machine whose other local users you trust, and never on a real
# database's machine.
#
# In a temporary directory, as an unprivileged user (`nobody` when run as
# root: PostgreSQL refuses root; FD_BENCH_PG_USER to choose another):
#  1. a pg_auto_failover monitor and two data nodes (`pg_autoctl create
#     monitor` / `create postgres`, loopback only, --no-ssl, --auth trust),
#     each run by `pg_autoctl run`; the monitor's health checks shortened
#     (the settings are printed);
#  2. a database `fd` owned by a CREATEROLE role `fd_owner` on the primary,
#     and `frontdesk-server demo --store postgresql` on
#     `host=127.0.0.1,127.0.0.1 port=P1,P2 target_session_attrs=read-write
#     connect_timeout=2` (the demo applies the schema as the owner and serves
#     as its own non-owner role);
#  3. two loops registering visitors and one reading rooms (curl, a new TLS
#     connection each, a 503 retried after 100 ms) while every process of the
#     primary node (its postgres and its pg_autoctl keeper) is killed with
#     SIGKILL. Measured from the kill: when the monitor assigned the secondary
#     its promotion, when the secondary reported itself primary
#     (wait_primary/primary), and the first 2xx to a request sent after the
#     kill; the answers counted by status (any 500 is a finding).
#  4. every registration answered 201 is on the new primary, and
#     `frontdesk-server audit verify` passes.
# Prints one "autofailover:" line; exits 1 when a check fails. Every process
# it started is stopped at exit, by PID.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
server="${FD_SERVER_BINARY:-$here/../../build/src/server/frontdesk-server}"
residents=2000
# pgautofailover.primary_demote_timeout: how long the monitor lets a dead
# primary's keeper demote itself before the standby takes writes (its
# default, 30 s, is most of a failover). A shorter one also shortens the
# keepers' timeout.network_partition_timeout (a primary cut off from the
# monitor and its standby demotes itself after it): it must stay below the
# demote timeout, or a cut-off primary goes on taking writes beside the new one.
demote_ms=30000
pgbin="${FD_BENCH_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
while [ $# -gt 0 ]; do
  case "$1" in
    --residents) residents="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    --demote-timeout) demote_ms="$2"; shift 2 ;;
    *) echo "usage: $0 [--residents N] [--server PATH] [--demote-timeout MS]" >&2; exit 2 ;;
  esac
done
server="$(readlink -f "$server")"
[ -x "$server" ] || { echo "no frontdesk-server at $server: build it first" >&2; exit 2; }
command -v pg_autoctl >/dev/null || { echo "no pg_autoctl: apt-get install postgresql-15-auto-failover" >&2; exit 2; }
for tool in curl jq psql setpriv; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

# --- as whom PostgreSQL runs ---
as_pg=()
pg_user="$(id -un)"
if [ "$(id -u)" = 0 ]; then
  pg_user="${FD_BENCH_PG_USER:-nobody}"
  as_pg=(setpriv --reuid="$pg_user" --regid="$(id -g "$pg_user")" --clear-groups)
fi

dir="$(mktemp -d /tmp/fd-bench-autofailover-XXXXXX)"
chmod 755 "$dir"
mkdir -p "$dir/sock" "$dir/home"
[ "$(id -u)" = 0 ] && chown "$pg_user:$(id -gn "$pg_user")" "$dir" "$dir/sock" "$dir/home"

pids=()          # every long-running process started here
cleanup () {
  set +e
  # the loops first, then the server, the keepers and the monitor
  for (( i = ${#pids[@]} - 1; i >= 0; i-- )); do
    kill -TERM "${pids[$i]}" 2>/dev/null
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  # a postgres its keeper left behind (the keeper stops it on SIGTERM)
  for data in "$dir"/node1 "$dir"/node2 "$dir"/monitor; do
    if [ -f "$data/postmaster.pid" ]; then
      pm="$(head -1 "$data/postmaster.pid")"
      # not a stale file's PID that another process has since taken
      [ -n "$pm" ] && { tr '\0' ' ' <"/proc/$pm/cmdline"; } 2>/dev/null | grep -qF "$data" \
        && kill -QUIT "$pm"
    fi
  done
  sleep 0.5
  [ -n "${FD_BENCH_KEEP:-}" ] && { echo "kept $dir" >&2; return; }
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now () { date +%s.%N; }
since () { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
free_port () {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pg_autoctl keeps its configuration and state under XDG_*; the sockets go
# to our directory instead of Debian's /var/run/postgresql.
pg_env=(env HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/config"
        XDG_DATA_HOME="$dir/home/data" XDG_RUNTIME_DIR="$dir/home/run"
        PGHOST="$dir/sock" PG_REGRESS_SOCK_DIR="$dir/sock")
pg () { "${as_pg[@]}" "${pg_env[@]}" "$@"; }
sql () {   # sql PORT DB QUERY: as the clusters' superuser over the socket
  pg psql -X -A -t -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$1" -U "$pg_user" -d "$2" -c "$3"
}

mon_port="$(free_port)"
p1="$(free_port)"
p2="$(free_port)"
while [ "$p2" = "$p1" ] || [ "$p2" = "$mon_port" ]; do p2="$(free_port)"; done
monitor="postgres://autoctl_node@127.0.0.1:$mon_port/pg_auto_failover?sslmode=disable"
common=(--hostname 127.0.0.1 --listen 127.0.0.1 --auth trust --no-ssl --pgctl "$pgbin/pg_ctl")

# --- 1. the monitor and two nodes ---
pg pg_autoctl create monitor --pgdata "$dir/monitor" --pgport "$mon_port" "${common[@]}" \
  >"$dir/monitor-create.log" 2>&1
setsid "${as_pg[@]}" "${pg_env[@]}" pg_autoctl run --pgdata "$dir/monitor" \
  >"$dir/monitor.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  sql "$mon_port" pg_auto_failover "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.2
done

# Shorter health checks on the monitor (pg_auto_failover 2.0 names them
# pgautofailover.*; defaults: period 5 s, timeout 5 s, 2 retries 2 s
# apart, unhealthy after 20 s without a keeper's report).
declare -A want=(
  [pgautofailover.health_check_period]=1000
  [pgautofailover.health_check_timeout]=1000
  [pgautofailover.health_check_max_retries]=1
  [pgautofailover.health_check_retry_delay]=500
  [pgautofailover.node_considered_unhealthy_timeout]=3000
  [pgautofailover.primary_demote_timeout]="$demote_ms"
)
for name in "${!want[@]}"; do
  if [ -n "$(sql "$mon_port" pg_auto_failover "SELECT 1 FROM pg_settings WHERE name = '$name'")" ]; then
    sql "$mon_port" pg_auto_failover "ALTER SYSTEM SET $name = ${want[$name]}"
  else
    echo "the monitor has no setting $name" >&2
  fi
done
sql "$mon_port" pg_auto_failover "SELECT pg_reload_conf()" >/dev/null
sleep 1
settings="$(sql "$mon_port" pg_auto_failover \
  "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ' ORDER BY name)
     FROM pg_settings WHERE name LIKE 'pgautofailover.%'")"
echo "monitor settings: $settings"

create_node () {   # create_node NAME PORT
  pg pg_autoctl create postgres --pgdata "$dir/$1" --pgport "$2" --name "$1" \
    --monitor "$monitor" --dbname fd "${common[@]}" >"$dir/$1-create.log" 2>&1
  if [ "$demote_ms" -lt 30000 ]; then
    pg pg_autoctl config set --pgdata "$dir/$1" timeout.network_partition_timeout \
      "$(( demote_ms / 2000 > 1 ? demote_ms / 2000 : 1 ))" >/dev/null
  fi
  setsid "${as_pg[@]}" "${pg_env[@]}" pg_autoctl run --pgdata "$dir/$1" >"$dir/$1.log" 2>&1 &
  pids+=($!)
}
# What `pg_autoctl show state` shows, read from the monitor's table:
# "NAME REPORTED ASSIGNED" lines.
state () {
  sql "$mon_port" pg_auto_failover \
    "SELECT nodename || ' ' || reportedstate || ' ' || goalstate FROM pgautofailover.node" \
    2>/dev/null || true
}
reported () { state | awk -v n="$1" '$1 == n { print $2 }'; }

create_node node1 "$p1"
for _ in $(seq 600); do [ "$(reported node1)" = single ] && break; sleep 0.2; done
create_node node2 "$p2"
for _ in $(seq 900); do
  [ "$(reported node1)" = primary ] && [ "$(reported node2)" = secondary ] && break
  sleep 0.2
done
if ! { [ "$(reported node1)" = primary ] && [ "$(reported node2)" = secondary ]; }; then
  pg pg_autoctl show state --monitor "$monitor" >&2 || true
  echo "the nodes did not reach primary + secondary" >&2
  exit 1
fi
pg pg_autoctl show state --monitor "$monitor"

# --- 2. Front Desk's database and its server ---
# The owner may create roles: `demo` makes the server's own non-owner role.
sql "$p1" fd "CREATE ROLE fd_owner LOGIN CREATEROLE NOSUPERUSER NOCREATEDB;
              ALTER DATABASE fd OWNER TO fd_owner"
# TCP from loopback: trust (a benchmark; a company's nodes use TLS and SCRAM)
for node in node1 node2; do
  echo "host all all 127.0.0.1/32 trust" >>"$dir/$node/pg_hba.conf"
done
sql "$p1" postgres "SELECT pg_reload_conf()" >/dev/null
sql "$p2" postgres "SELECT pg_reload_conf()" >/dev/null

mkdir -p "$dir/office"
password="Bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
database="host=127.0.0.1,127.0.0.1 port=$p1,$p2 dbname=fd user=fd_owner target_session_attrs=read-write connect_timeout=2"
"$server" demo --data-dir "$dir/office" --listen 127.0.0.1:0 --residents "$residents" \
  --demo-password "$password" --sign-in-rate 100000 --store postgresql --database "$database" \
  >"$dir/server.log" 2>&1 &
pids+=($!)
server_pid=$!
base=""
for _ in $(seq 1800); do
  base="$(grep -o 'listening on https://127.0.0.1:[0-9]*' "$dir/server.log" | head -1 | sed 's/listening on //')" || true
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$base" ] || { echo "the server did not start" >&2; exit 1; }
ca="$dir/office/ca.pem"

api () {   # api METHOD PATH TOKEN [BODY] → "STATUS BODY"
  local args=(-s -o - -w '\n%{http_code}' --cacert "$ca" --max-time 30 -X "$1" "$base$2")
  [ -n "$3" ] && args+=(-H "Authorization: Bearer $3")
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' --data-binary "$4")
  curl "${args[@]}" || printf '\n000'
}
sign_in () {
  local out token version
  out="$(api POST /api/v1/session "" "{\"username\": \"$1\", \"password\": \"$password\", \"workstation\": \"bench\"}")"
  token="$(echo "$out" | head -n -1 | jq -r .token)"
  version="$(api GET /api/v1/rules "$token" | head -n -1 | jq -r .version)"
  api POST /api/v1/rules/acknowledge "$token" "{\"version\": $version}" >/dev/null
  echo "$token"
}
reception="$(sign_in reception)"
[ -n "$reception" ] && [ "$reception" != null ] || { echo "cannot sign in as reception" >&2; exit 1; }
mapfile -t rooms < <(api GET '/api/v1/rooms?q=1&limit=100' "$reception" | head -n -1 | jq -r '.items[].room')
[ "${#rooms[@]}" -gt 0 ] || { echo "no rooms" >&2; exit 1; }

# --- 3. the stream and the kill ---
# Each loop writes "SENT_AT STATUS ANSWERED_AT [ID]" lines; ID for a 201.
register_loop () {   # register_loop TOKEN LOG
  local out status id phone room
  while [ ! -e "$dir/stop" ]; do
    phone="13$(printf '%09d' $(( (RANDOM * 32768 + RANDOM) % 1000000000 )))"
    room="${rooms[$(( RANDOM % ${#rooms[@]} ))]}"
    sent="$(now)"
    out="$(api POST /api/v1/visitors "$1" "{\"name\": \"王小明\", \"phone\": \"$phone\", \"room\": \"$room\", \"purpose\": \"送快递\"}")"
    status="$(echo "$out" | tail -1)"
    id=""
    [ "$status" = 201 ] && id="$(echo "$out" | head -n -1 | jq -r .id)"
    echo "$sent $status $(now) $id" >>"$2"
    [ "$status" = 503 ] && sleep 0.1
  done
}
read_loop () {   # read_loop TOKEN LOG
  local status
  while [ ! -e "$dir/stop" ]; do
    sent="$(now)"
    status="$(api GET '/api/v1/rooms?q=1&limit=5' "$1" | tail -1)"
    echo "$sent $status $(now)" >>"$2"
    [ "$status" = 503 ] && sleep 0.1
  done
}
register_loop "$(sign_in reception)" "$dir/reg1.log" &
pids+=($!)
register_loop "$(sign_in reception)" "$dir/reg2.log" &
pids+=($!)
read_loop "$(sign_in manager)" "$dir/read.log" &
pids+=($!)
sleep 3

# The node the monitor calls primary, and every process of its keeper.
primary="$(state | awk '$2 == "primary" { print $1 }')"
case "$primary" in node1) standby=node2; new_port="$p2" ;; node2) standby=node1; new_port="$p1" ;;
  *) echo "no primary: $primary" >&2; exit 1 ;; esac
# pids: monitor, node1's keeper, node2's keeper, the server, the three loops
if [ "$primary" = node1 ]; then keeper="${pids[1]}"; else keeper="${pids[2]}"; fi
descendants () {   # the process and all below it
  local pid="$1"
  echo "$pid"
  for child in $(ps -o pid= --ppid "$pid"); do descendants "$child"; done
}
postmaster="$(head -1 "$dir/$primary/postmaster.pid")"
victims="$( (descendants "$keeper"; descendants "$postmaster") | sort -u)"
# The machine dies: frozen first, so that nothing restarts anything, then killed.
killed_at="$(now)"
# shellcheck disable=SC2086
kill -STOP $victims 2>/dev/null || true
# shellcheck disable=SC2086
kill -KILL $victims 2>/dev/null || true
wait "$keeper" 2>/dev/null || true

assigned_at=""; promoted_at=""
deadline=$(( $(date +%s) + 120 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  s="$(state)"
  a="$(echo "$s" | awk -v n="$standby" '$1 == n { print $3 }')"
  r="$(echo "$s" | awk -v n="$standby" '$1 == n { print $2 }')"
  t="$(now)"
  if [ -z "$assigned_at" ] && [ "$a" != secondary ] && [ "$a" != catchingup ] && [ -n "$a" ]; then
    assigned_at="$t"
  fi
  if [ "$r" = wait_primary ] || [ "$r" = primary ]; then promoted_at="$t"; break; fi
  sleep 0.1
done

first_ok=""
deadline=$(( $(date +%s) + 60 ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  # the answer's time of the first 2xx to a request sent after the kill
  first_ok="$(cat "$dir"/reg1.log "$dir"/reg2.log "$dir"/read.log 2>/dev/null \
    | awk -v k="$killed_at" '$1 > k && $2 ~ /^2/ { print $3 }' | sort -n | head -1)"
  [ -n "$first_ok" ] && break
  sleep 0.2
done
sleep 3
touch "$dir/stop"
for i in 4 5 6; do wait "${pids[$i]}" 2>/dev/null || true; done

cat "$dir"/reg1.log "$dir"/reg2.log "$dir"/read.log >"$dir/all.log"
total_2xx="$(awk '$2 ~ /^2/' "$dir/all.log" | wc -l)"
total_503="$(awk '$2 == 503' "$dir/all.log" | wc -l)"
total_500="$(awk '$2 == 500' "$dir/all.log" | wc -l)"
other="$(awk '$2 !~ /^2/ && $2 != 503' "$dir/all.log" | awk '{ print $2 }' | sort | uniq -c | tr '\n' ' ')"
registered="$(awk '$2 == 201 { print $4 }' "$dir"/reg1.log "$dir"/reg2.log | sort -u)"
n_registered="$(echo "$registered" | grep -c . || true)"

# --- 4. the checks ---
failed=0
ids="$(echo "$registered" | paste -sd, -)"
found="$(sql "$new_port" fd "SELECT count(*) FROM visitors WHERE id IN (${ids:-0})")"
if [ "$found" != "$n_registered" ]; then
  echo "FAIL: $n_registered registrations answered 201, $found on the new primary" >&2
  failed=1
fi
# (its note that no journal witness was read goes to stderr)
verify="$("$server" audit verify --data-dir "$dir/office" 2>/dev/null)" || true
case "$verify" in ok*) ;; *) echo "FAIL: audit verify: $verify" >&2; failed=1 ;; esac
[ "$total_500" = 0 ] || { echo "FAIL: $total_500 answers were 500" >&2; failed=1; }

after () { if [ -n "$1" ]; then echo "$(since "$killed_at" "$1") s"; else echo never; fi; }
echo "autofailover: primary $primary killed (primary_demote_timeout ${demote_ms} ms);" \
  "monitor assigned the promotion after $(after "$assigned_at");" \
  "promoted after $(after "$promoted_at");" \
  "first 2xx to a request sent after the kill: $(after "$first_ok");" \
  "answers: $total_2xx 2xx ($n_registered registrations), $total_503 503, other: ${other:-none};" \
  "registrations on the new primary: $found/$n_registered; audit verify: ${verify%%$'\n'*}"
exit "$failed"
