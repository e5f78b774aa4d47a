#!/bin/sh
# bench-soak — 50 connections of mixed traffic against frontdesk-server for
# 10 minutes at 100,000 residents (issue 9). A benchmark, never run by
# `meson test`; see docs/benchmarks.md.
#
#   build/tests/bench/bench-soak [--minutes N] [--connections N] [--threads N]
#                                [--residents N] [--data-dir DIR]
#
# Starts `frontdesk-server demo` (a new temporary data directory, or DIR
# reused), signs in six accounts (reception, manager and four new reception
# accounts), then runs wrk with tests/bench/soak.lua once per minute, so
# that each minute gets its own latency figures. The server's VmRSS is read
# from /proc before the load, after each minute and at the end. Prints one
# line a minute and a summary; exits 1 when a 5xx was seen or RSS grew by
# 5 % or more after the first (warm-up) minute. Prints no resident data.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

SERVER="${FD_SERVER_BINARY:-@SERVER@}"
LUA="${FD_SOAK_LUA:-@LUA@}"
minutes=10
connections=50
threads=2
residents=100000
segment="${FD_SOAK_SEGMENT:-60}"   # seconds per "minute" (shorter only to try the script)
# FD_SOAK_MODE=visitors: visitor registrations only (write throughput).
data_dir=""

while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --residents) residents="$2"; shift 2 ;;
    --data-dir) data_dir="$2"; shift 2 ;;
    *) echo "usage: $0 [--minutes N] [--connections N] [--threads N] [--residents N] [--data-dir DIR]" >&2
       exit 2 ;;
  esac
done

command -v wrk >/dev/null || { echo "bench-soak: wrk is not installed (apt install wrk)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "bench-soak: sqlite3 is not installed" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/fd-soak-XXXXXX")
chmod 700 "$work"
[ -n "$data_dir" ] || data_dir="$work/data"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" || true
  fi
  rm -rf "$work"   # the tokens, and the data directory unless --data-dir
}
trap cleanup EXIT INT TERM

# A one-hour off-hours window three hours from now: the soak is never
# "off hours", whatever the time of day (no anomaly locks).
off_hours="$(date -d '+180 min' +%H:%M)-$(date -d '+240 min' +%H:%M)"
password="soak-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
if [ -f "$data_dir/soak-password" ]; then
  password=$(cat "$data_dir/soak-password")
fi

"$SERVER" demo --data-dir "$data_dir" --listen 127.0.0.1:0 --residents "$residents" \
  --demo-password "$password" --off-hours "$off_hours" \
  >"$work/stdout" 2>"$work/server.log" &
pid=$!

seed_start=$(date +%s)
port=""
while [ -z "$port" ]; do
  kill -0 "$pid" 2>/dev/null || { echo "bench-soak: the server stopped; its log:" >&2; cat "$work/server.log" >&2; exit 2; }
  port=$(sed -n 's|^listening on https://127.0.0.1:\([0-9]*\)$|\1|p' "$work/stdout")
  [ -n "$port" ] || sleep 1
done
echo "bench-soak: server pid $pid on port $port, ready after $(( $(date +%s) - seed_start )) s"
# A reused --data-dir needs the same demo password next time.
printf '%s\n' "$password" >"$data_dir/soak-password"

base="https://127.0.0.1:$port/api/v1"
curl_json() { curl -sS --cacert "$data_dir/ca.pem" -H 'Content-Type: application/json' "$@"; }
token_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
sign_in() {
  curl_json -X POST "$base/session" \
    -d "{\"username\":\"$1\",\"password\":\"$password\",\"workstation\":\"soak\"}" | token_of
}

admin=$(sign_in admin)
: >"$work/tokens"
chmod 600 "$work/tokens"
for i in 1 2 3 4; do
  user="soak-desk-$i"
  curl_json -o /dev/null -X POST -H "Authorization: Bearer $admin" "$base/users" \
    -d "{\"username\":\"$user\",\"display_name\":\"Soak desk $i\",\"role\":\"reception\",\"password\":\"$password\"}"
  sign_in "$user" >>"$work/tokens"
done
sign_in reception >>"$work/tokens"
sign_in manager >>"$work/tokens"

# Queries over the whole population: for a random 5,000 residents, one of
# the full name, its surname, its given name, the building-unit, the whole
# room or the mobile's last 4 digits. Read from the database (names, rooms
# and last-4 are stored in clear), never printed.
db="$data_dir/frontdesk.db"
sqlite3 -readonly "$db" "
  SELECT CASE abs(random()) % 6
           WHEN 0 THEN name
           WHEN 1 THEN substr(name, 1, 1)
           WHEN 2 THEN substr(name, 2)
           WHEN 3 THEN substr(room, 1, instr(substr(room, instr(room, '-') + 1), '-') + instr(room, '-') - 1)
           WHEN 4 THEN room
           ELSE phone_last4 END
  FROM residents ORDER BY random() LIMIT 5000;" >"$work/queries"
sqlite3 -readonly "$db" "SELECT room FROM rooms ORDER BY random() LIMIT 2000;" >"$work/rooms"
sqlite3 -readonly "$db" "SELECT max(id) FROM residents;" >"$work/max-id"

rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$pid/status"; }
rss_start=$(rss)
echo "bench-soak: $residents residents, $connections connections, $threads wrk threads, $minutes minutes"
echo "bench-soak: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-soak: RSS before the load: $rss_start kB"
printf '%-6s %9s %8s %6s %6s %6s %8s %8s %9s %9s %9s %10s\n' \
  minute requests req/s 2xx 4xx 5xx sockerr timeouts p50_ms p99_ms max_ms rss_kB

total_5xx=0
total_4xx=0
total_req=0
total_err=0
rss_warm=""
m=1
while [ "$m" -le "$minutes" ]; do
  wrk -t "$threads" -c "$connections" -d "${segment}s" --timeout 10s -s "$LUA" \
    "https://127.0.0.1:$port" -- "$work" ${FD_SOAK_MODE:-} >"$work/wrk.out" 2>&1 || true
  line=$(grep '^SOAK ' "$work/wrk.out" || true)
  if [ -z "$line" ]; then
    echo "bench-soak: wrk printed no summary:" >&2
    cat "$work/wrk.out" >&2
    exit 2
  fi
  get() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  kill -0 "$pid" 2>/dev/null || { echo "bench-soak: the server died; its log:" >&2; tail -20 "$work/server.log" >&2; exit 1; }
  now_rss=$(rss)
  [ "$m" = 1 ] && rss_warm=$now_rss
  req=$(get requests)
  printf '%-6s %9s %8s %6s %6s %6s %8s %8s %9s %9s %9s %10s\n' "$m" "$req" \
    "$(awk -v r="$req" -v s="$(get seconds)" 'BEGIN { printf "%.0f", r / s }')" \
    "$(get 2xx)" "$(get 4xx)" "$(get 5xx)" "$(get sockerr)" "$(get timeouts)" \
    "$(get p50_ms)" "$(get p99_ms)" "$(get max_ms)" "$now_rss"
  total_5xx=$((total_5xx + $(get 5xx)))
  total_4xx=$((total_4xx + $(get 4xx)))
  total_req=$((total_req + req))
  total_err=$((total_err + $(get sockerr) + $(get timeouts)))
  m=$((m + 1))
done

rss_end=$(rss)
growth=$(awk -v a="$rss_warm" -v b="$rss_end" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
echo "bench-soak: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench-soak: requests $total_req, 4xx $total_4xx, 5xx $total_5xx, socket errors and timeouts $total_err"
echo "bench-soak: RSS start $rss_start kB, after warm-up (minute 1) $rss_warm kB, end $rss_end kB: growth after warm-up $growth %"
echo "bench-soak: visitors on file $(sqlite3 -readonly "$db" 'SELECT count(*) FROM visitors;'), audit entries $(sqlite3 -readonly "$db" 'SELECT count(*) FROM audit_log;')"
"$SERVER" audit verify --data-dir "$data_dir" | sed 's/^/bench-soak: audit verify: /'
grep -ci 'critical\|warning' "$work/server.log" | sed 's/^/bench-soak: warnings and criticals in the server log: /' || true

status=0
[ "$total_5xx" = 0 ] || { echo "bench-soak: FAIL: $total_5xx answers were 5xx"; status=1; }
awk -v g="$growth" 'BEGIN { exit !(g >= 5) }' && { echo "bench-soak: FAIL: RSS grew by $growth % after warm-up"; status=1; }
exit $status
