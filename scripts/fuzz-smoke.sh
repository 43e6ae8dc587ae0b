#!/usr/bin/env bash
# Short fuzz run (issue 8): builds every cargo-fuzz target in fuzz/ and runs each for a few
# seconds from its checked-in seeds (fuzz/seeds/<target>); fails when any target crashes, panics
# or fails an assertion. See fuzz/README.md for longer runs and where crashes go.
#
# Runs on the stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass the nightly-only flags
# (-Zsanitizer, coverage instrumentation). Installs cargo-fuzz, and g++ for libFuzzer, when missing.
#
# Usage: scripts/fuzz-smoke.sh [TARGET...]      (default: every target of fuzz/Cargo.toml)
# Environment:
#   FUZZ_SECS         seconds per target (default 8)
#   FUZZ_SANITIZER    none (default) or address: the workspace forbids unsafe code, so
#                     AddressSanitizer only watches dependencies, and costs a fifth more build
#                     time and runs 3 to 10 times fewer inputs (fuzz/README.md)
#   FUZZ_TARGET_DIR   where to build (default fuzz/target; a folder kept between CI runs
#                     makes later builds incremental)
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${FUZZ_SECS:-8}
SANITIZER=${FUZZ_SANITIZER:-none}
TARGET_DIR=${FUZZ_TARGET_DIR:-fuzz/target}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  start=$SECONDS
  cargo install cargo-fuzz --locked
  echo "fuzz: cargo-fuzz installed in $((SECONDS - start)) s"
fi
# Set after the install, so that cargo-fuzz itself is built as an ordinary stable program.
export RUSTC_BOOTSTRAP=1
# libFuzzer (built by libfuzzer-sys) is C++.
if ! command -v c++ >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    echo "fuzz: installing g++ for libFuzzer"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq g++ >/dev/null
  else
    echo "fuzz: libFuzzer needs a C++ compiler (g++ or clang++)"
    exit 2
  fi
fi

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
echo "fuzz: built in $((SECONDS - start)) s"

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
    echo "      RUSTC_BOOTSTRAP=1 cargo fuzz run ${build[*]} $target fuzz/artifacts/$target/<file>):"
    # The panic (or sanitizer report) and where libFuzzer wrote the input.
    sed -n '/panicked at\|ERROR: /,+12p' "$log" | head -30
    grep -E '^(SUMMARY|artifact_prefix)' "$log" || tail -20 "$log"
    failed+=("$target")
  fi
  rm -f "$log"
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${SECS} s each without a crash"
