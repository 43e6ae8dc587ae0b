#!/usr/bin/env bash
# Outside probe of the JSON API (issue 31): schemathesis generates requests from the served
# OpenAPI document (/api/openapi.json), valid and invalid, and checks every answer against it:
# no server error, only documented statuses, content types and schemas, invalid data refused,
# valid data accepted. Runs twice against a fresh server on 127.0.0.1: anonymously, and with an
# API key of every issuable scope. Each run is bounded in time and stops by itself; the script
# fails on any failure schemathesis reports. Its settings: scripts/api-probe.toml.
#
# Usage: scripts/api-probe.sh [BINARY]     (default target/debug/motcua; builds nothing)
# Environment:
#   PROBE_SECS       time budget of each run (default 120)
#   PROBE_EXAMPLES   most generated cases per operation (default 40)
#   PROBE_VENV       where schemathesis is installed (default ~/.cache/motcua-ci/schemathesis)
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-target/debug/motcua}
SECS=${PROBE_SECS:-120}
EXAMPLES=${PROBE_EXAMPLES:-40}
VENV=${PROBE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/motcua-ci/schemathesis}
# The version the document was last probed with; a newer one may add checks.
SCHEMATHESIS=schemathesis==4.32.5

# CPython 3.11's ast module fails on hypothesis' lambdas for some operations ("AST constructor
# recursion depth mismatch", a runtime error of the probe, not of motcua): a newer interpreter
# is taken when the machine has one (pyenv's, on this kind of machine), PROBE_PYTHON if given.
new_enough() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; }
python=${PROBE_PYTHON:-}
if [ -z "$python" ]; then
  pyenv_root=$(pyenv root 2>/dev/null || true)
  for candidate in python3.13 python3.12 "$pyenv_root"/versions/3.13*/bin/python3 \
    "$pyenv_root"/versions/3.12*/bin/python3 python3; do
    if new_enough "$candidate"; then python=$candidate; break; fi
  done
  python=${python:-python3}
fi
if [ ! -x "$VENV/bin/st" ] || ! new_enough "$VENV/bin/python" ||
  ! "$VENV/bin/st" --version 2>/dev/null | grep -q "${SCHEMATHESIS#*==}"; then
  echo "probe: installing $SCHEMATHESIS with $("$python" --version)"
  rm -rf "$VENV"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install -q "$SCHEMATHESIS"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
dir=$(mktemp -d)
base="http://127.0.0.1:$port"
export MOTCUA_DATA_DIR="$dir/data" MOTCUA_LISTEN="127.0.0.1:$port" MOTCUA_LOG=warn
# The probe's own key, made before the server starts (same embedded database).
key=$("$BIN" api-key create --name "outside probe" \
  --scopes read_catalogue,submit_dossiers,read_own_dossiers,receive_events 2>/dev/null)
"$BIN" serve >"$dir/server.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 60); do
  curl -fsS "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { echo "probe: server did not start"; cat "$dir/server.log"; exit 1; }
  sleep 1
done

status=0
probe() {
  local name=$1; shift
  echo "probe: $name (at most ${SECS} s, ${EXAMPLES} cases an operation)"
  # --max-time bounds the run; timeout is the backstop if schemathesis itself hangs.
  if ! timeout $((SECS + 60)) "$VENV/bin/st" --config-file scripts/api-probe.toml \
      run "$base/api/openapi.json" \
      --max-examples "$EXAMPLES" --max-time "$SECS" --workers 2 \
      --request-timeout 10 --generation-database none --no-color \
      --report junit --report-dir "$dir/report-$name" "$@"; then
    echo "probe: $name found failures (server log: $dir/server.log)"
    status=1
  fi
}
probe anonymous
probe api-key -H "Authorization: Bearer $key"

if grep -q 'panicked' "$dir/server.log"; then
  echo "probe: the server logged a panic"; grep -n 'panicked' "$dir/server.log" | head; status=1
fi
[ "$status" = 0 ] && rm -rf "$dir"
exit "$status"
