#!/bin/sh
# Access review (issue 12) at 100,000 residents and a quarter of audit log:
# seeds a demo office, appends 3,000,000 synthetic audit entries over the
# last 91 days (40 accounts), then times the counter read a review makes,
# the audit-log scan it avoids, and POST/GET /api/v1/reviews end to end.
# Usage: tests/bench/bench-review.sh BUILD_DIR WORK_DIR   (WORK_DIR is created)
set -eu
build=$1; work=$2
server="$build/src/server/frontdesk-server"
mkdir -p "$work"
pw=bench-review-pw

start () {
  "$server" demo --data-dir "$work/office" --residents 100000 --demo-password "$pw" \
    --listen 127.0.0.1:0 --sign-in-rate 1000 >"$work/server.out" 2>&1 &
  pid=$!
  i=0
  until grep -q "listening on" "$work/server.out"; do
    i=$((i + 1)); [ $i -lt 300 ] || { echo "server did not start"; exit 1; }; sleep 1
  done
  url=$(grep -o 'https://[0-9.:]*' "$work/server.out" | head -1)
}

start; kill "$pid"; wait "$pid" || true
db="$work/office/frontdesk.db"
sqlite3 "$db" <<'SQL'
INSERT INTO users (username, display_name, role, password_hash, created_at)
  SELECT 'staff-' || value, 'Staff ' || value,
         CASE value % 3 WHEN 0 THEN 'reception' WHEN 1 THEN 'patrol' ELSE 'finance' END, 'x', 0
  FROM generate_series(1, 34);
.timer on
-- 60 % views, 30 % lists, 5 % reveals, 4 % verifies, 1 % exports; 2 % refused
INSERT INTO audit_log (seq, at, actor, actor_id, role, session_hash, workstation, ip, action,
                       target, field, reason_code, reason_text, outcome, prev_hash, hash)
  SELECT (SELECT max(seq) FROM audit_log) + value,
         strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-' || (value * 7919 % 7862400) || ' seconds'),
         'u', 1 + value % 40, 'reception', 'abcdef0123456789', 'ws', '127.0.0.1',
         CASE WHEN value % 100 < 60 THEN 'view' WHEN value % 100 < 90 THEN 'search'
              WHEN value % 100 < 95 THEN 'reveal' WHEN value % 100 < 99 THEN 'verify'
              ELSE 'export' END,
         CAST(value % 100000 AS TEXT), NULL, NULL, NULL,
         CASE WHEN value % 50 = 0 THEN 'denied' ELSE 'allowed' END,
         printf('%064d', 0), printf('%064d', 0)
  FROM generate_series(1, 3000000);
SQL
echo "--- the counter read of a review, then the scan a worker would need instead"
sqlite3 "$db" <<'SQL'
.timer on
SELECT count(*) FROM (SELECT actor_id, day, sum(n) FROM audit_activity
  WHERE day >= date('now', '-98 days') AND day < date('now', '+1 day') GROUP BY actor_id, day);
SELECT count(*) FROM (SELECT actor_id, substr(at, 1, 10), action, count(*) FROM audit_log
  WHERE at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-98 days') AND actor_id > 0
  AND outcome = 'allowed' AND action IN ('view', 'search', 'reveal', 'verify', 'export')
  GROUP BY 1, 2, 3);
SQL
start
c="curl -s --cacert $work/office/ca.pem"
token=$($c -X POST "$url/api/v1/session" \
  -d "{\"username\":\"manager\",\"password\":\"$pw\",\"workstation\":\"bench\"}" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
echo "--- POST /reviews (new TLS connection each)"
$c -o /dev/null -w "%{http_code} %{time_total}s %{size_download} bytes\n" -X POST \
  -H "Authorization: Bearer $token" "$url/api/v1/reviews" -d '{}'
echo "--- GET /reviews/current, 11 runs, sorted (s)"
for i in 1 2 3 4 5 6 7 8 9 10 11; do
  $c -o /dev/null -w "%{time_total}\n" -H "Authorization: Bearer $token" "$url/api/v1/reviews/current"
done | sort -n | tr '\n' ' '; echo
echo "--- GET /health, 11 runs, sorted (s): the handshake alone"
for i in 1 2 3 4 5 6 7 8 9 10 11; do $c -o /dev/null -w "%{time_total}\n" "$url/api/v1/health"; done |
  sort -n | tr '\n' ' '; echo
kill "$pid"; wait "$pid" || true
