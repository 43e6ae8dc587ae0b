#!/usr/bin/env bash
# Crash test (issue 8; DESIGN §8: "a killed process loses nothing acknowledged"). Starts the
# server on a free loopback port with a fresh data folder, files applications under load while
# recording every acknowledged one (`motcua bench submit`), kills the server with SIGKILL in the
# middle of the load, restarts it on the same data and checks that
#   - every acknowledged code reads back, and no code was given to two requests;
#   - each acknowledged request sent again with its Idempotency-Key answers the same code and
#     files nothing new (the dossier count of `motcua audit verify` does not move);
#   - the count is at least the number acknowledged, and the audit chain verifies;
#   - every notice committed before the kill is delivered after the restart: a `motcua
#     sandbox` beside the server receives the SMS "dossier received" of every acknowledged
#     code, and the outbox and delivery backlogs drain to zero.
#
# Usage: scripts/crash-test.sh [BINARY]     (default target/debug/motcua; builds nothing)
# Environment:
#   MOTCUA_DATABASE_URL   empty (default) = embedded SQLite in the fresh folder; or a
#                         postgres:// URL of an empty database
#   CRASH_LOAD_SECS       how long the submitters run (default 6)
#   CRASH_KILL_AFTER      seconds of load before the kill (default 3)
#   CRASH_CONCURRENCY     concurrent submitters (default 8)
#   CRASH_KEEP=1          keep the folder (logs, ledger) afterwards
# Bounded: every wait has a limit, and the trap stops whatever it started.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/debug/motcua}
LOAD_SECS=${CRASH_LOAD_SECS:-6}
KILL_AFTER=${CRASH_KILL_AFTER:-3}
CONCURRENCY=${CRASH_CONCURRENCY:-8}
[ -x "$BIN" ] || { echo "crash test: $BIN is not an executable (build it first)"; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
export MOTCUA_DATA_DIR="$dir/data" MOTCUA_LISTEN="127.0.0.1:$port" MOTCUA_LOG=warn
export MOTCUA_DATABASE_URL=${MOTCUA_DATABASE_URL:-}
db_name=${MOTCUA_DATABASE_URL:+PostgreSQL}
db_name=${db_name:-SQLite}
sandbox_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
smtp_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sandbox="http://127.0.0.1:$sandbox_port"
server_pid=
submit_pid=
sandbox_pid=

cleanup() {
  local pid
  for pid in $submit_pid $server_pid $sandbox_pid; do
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  if [ "${CRASH_KEEP:-}" = 1 ]; then echo "crash test: kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT

fail() {
  echo "crash test ($db_name): FAILED: $1"
  echo "--- server log (last lines)"; tail -n 20 "$dir/server.log" 2>/dev/null || true
  exit 1
}

# Notices go to the sandbox's SMTP sink and SMS gateway, polled every second.
cat >"$dir/motcua.toml" <<TOML
[notifications]
every_secs = 1
[notifications.smtp]
host = "127.0.0.1"
port = $smtp_port
security = "plain"
from = "Crash test <no-reply@motcua.invalid>"
[notifications.sms]
endpoint = "$sandbox/esms"
api_key = "sandbox-sms-key"
secret_key = "sandbox-sms-secret"
brandname = "MOTCUA"
TOML

start_server() {
  "$BIN" --config "$dir/motcua.toml" serve >>"$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url/livez" 2>/dev/null; then return 0; fi
    kill -0 "$server_pid" 2>/dev/null || fail "the server stopped while starting"
    sleep 0.5
  done
  fail "the server did not answer within 60 s"
}

# Prints the number of dossiers `motcua audit verify` checked; prints its output and fails when
# the chain does not verify.
dossier_count() {
  local out
  out=$("$BIN" --config "$dir/motcua.toml" audit verify 2>&1) || { echo "$out"; return 1; }
  grep -q "the audit chain verifies" <<<"$out" || { echo "$out"; return 1; }
  sed -n 's/^checked \([0-9]*\) dossiers.*/\1/p' <<<"$out"
}

start=$(date +%s)
"$BIN" sandbox --listen "127.0.0.1:$sandbox_port" --smtp-listen "127.0.0.1:$smtp_port" >"$dir/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 60); do
  curl -fsS -o /dev/null "$sandbox/_sandbox" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || fail "the sandbox stopped while starting: $(cat "$dir/sandbox.log")"
  sleep 0.5
done
start_server
key=$("$BIN" --config "$dir/motcua.toml" api-key create --name "crash test" --scopes submit_dossiers,read_own_dossiers 2>>"$dir/cli.log") ||
  fail "cannot create an API key: $(cat "$dir/cli.log")"

touch "$dir/ledger.jsonl"
"$BIN" bench submit --url "$url" --api-key "$key" --ledger "$dir/ledger.jsonl" \
  --duration "$LOAD_SECS" --concurrency "$CONCURRENCY" --max-requests 1000000 \
  >"$dir/submit.log" 2>&1 &
submit_pid=$!
sleep "$KILL_AFTER"
acked_before_kill=$(wc -l <"$dir/ledger.jsonl")
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null || true
echo "crash test ($db_name): killed the server (SIGKILL) under load after $acked_before_kill acknowledged submissions"
wait "$submit_pid" || fail "the submitter failed: $(cat "$dir/submit.log")"
submit_pid=
acked=$(wc -l <"$dir/ledger.jsonl")
[ "$acked" -gt 0 ] || fail "nothing was acknowledged before the kill: $(cat "$dir/submit.log")"
echo "crash test ($db_name): submitter: $(tail -n 1 "$dir/submit.log")"

start_server
before=$(dossier_count) || fail "audit verify after the restart: $before"
[ "$before" -ge "$acked" ] ||
  fail "$acked submissions were acknowledged but only $before dossiers are stored"
verify_out=$("$BIN" bench verify --url "$url" --api-key "$key" --ledger "$dir/ledger.jsonl" \
  --concurrency "$CONCURRENCY" 2>&1) || fail "$(printf 'lost or duplicated:\n%s' "$verify_out")"
after=$(dossier_count) || fail "audit verify after the retries: $after"
[ "$after" = "$before" ] || fail "re-sending the $acked acknowledged requests filed $((after - before)) new dossiers"

# Every acknowledged dossier's "received" SMS reaches the sandbox after the restart, and nothing
# is left waiting (the outbox's backlog and the deliveries' both drain to zero).
notices=missing
for _ in $(seq 1 120); do
  if curl -fsS "$sandbox/_sandbox/messages.json?channel=sms" >"$dir/messages.json" 2>/dev/null &&
    curl -fsS "$url/metrics" >"$dir/metrics.txt" 2>/dev/null &&
    python3 - "$dir/ledger.jsonl" "$dir/messages.json" "$dir/metrics.txt" >"$dir/notices.txt" <<'PY'
import json, re, sys
codes = {json.loads(line)["code"] for line in open(sys.argv[1]) if line.strip()}
listing = json.load(open(sys.argv[2]))
messages = listing.get("messages", listing) if isinstance(listing, dict) else listing
texts = "\n".join(m.get("text", "") for m in messages if m.get("channel") == "sms")
told = {code for code in codes if code in texts}
waiting = sum(float(v) for v in re.findall(r'^(?:outbox_pending_messages\{topic="notify\.applicant"\}|deliveries_pending\{[^}]*\}) (\S+)$', open(sys.argv[3]).read(), re.M))
print(f"{len(told)} of {len(codes)} acknowledged dossiers told by SMS, {int(waiting)} notices waiting")
sys.exit(0 if told == codes and waiting == 0 else 1)
PY
  then notices=ok; break; fi
  sleep 0.5
done
[ "$notices" = ok ] || fail "notices committed before the kill were not all delivered: $(cat "$dir/notices.txt" 2>/dev/null)"
echo "crash test ($db_name): notices: $(cat "$dir/notices.txt")"

echo "crash test ($db_name): $verify_out" | head -n 1
echo "crash test ($db_name): passed: $acked acknowledged, $before stored after the restart" \
  "(in flight at the kill: $((before - acked))), none added by the $acked retries," \
  "audit chain verifies ($(( $(date +%s) - start )) s)"
