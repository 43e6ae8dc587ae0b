#!/usr/bin/env bash
# Short fuzz run (issue 8): builds every cargo-fuzz target in fuzz/ and runs each for a few
# seconds from its checked-in seeds (fuzz/seeds/<target>), failing on the first crash, panic or
# failed assertion. See fuzz/README.md for longer runs and where crashes go.
#
# Runs on the stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the nightly-only flags
# (-Zsanitizer). Installs cargo-fuzz when it is missing.
#
# Usage: scripts/fuzz-smoke.sh [TARGET...]      (default: every target of fuzz/Cargo.toml)
# Environment:
#   FUZZ_SECS         seconds per target (default 8)
#   FUZZ_SANITIZER    address (default) or none
#   FUZZ_TARGET_DIR   where to build (default fuzz/target)
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${FUZZ_SECS:-8}
SANITIZER=${FUZZ_SANITIZER:-address}
TARGET_DIR=${FUZZ_TARGET_DIR:-fuzz/target}
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  start=$SECONDS
  cargo install cargo-fuzz --locked
  echo "fuzz: cargo-fuzz installed in $((SECONDS - start)) s"
fi
command -v c++ >/dev/null || { echo "fuzz: libFuzzer needs a C++ compiler (apt-get install g++)"; exit 2; }

if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo fuzz list)
fi
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no targets found in fuzz/"; exit 2; }

# One build for every target (they share the dependencies); -a keeps overflow checks and debug
# assertions on, as in tests. --codegen-units 16: see fuzz/README.md (build time).
build=(-a --sanitizer "$SANITIZER" --codegen-units 16 --target-dir "$TARGET_DIR")
start=$SECONDS
cargo fuzz build "${build[@]}"
echo "fuzz: built ${#targets[@]} targets in $((SECONDS - start)) s"

failed=()
for target in "${targets[@]}"; do
  seeds=fuzz/seeds/$target
  corpus=fuzz/corpus/$target
  [ -d "$seeds" ] || { echo "fuzz: $target has no seeds in $seeds"; exit 2; }
  mkdir -p "$corpus" fuzz/artifacts/"$target"
  log=$(mktemp)
  # The corpus folder first: libFuzzer adds what it finds there, never to the seeds.
  if cargo fuzz run "${build[@]}" "$target" "$corpus" "$seeds" -- \
    -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    echo "fuzz: $target ok: ${runs:-?} runs in ${SECS} s (${rate:-?}/s)"
  else
    echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target (reproduce with"
    echo "      RUSTC_BOOTSTRAP=1 cargo fuzz run $target fuzz/artifacts/$target/<file>):"
    tail -40 "$log"
    failed+=("$target")
  fi
  rm -f "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${SECS} s each without a crash"
