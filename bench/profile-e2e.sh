#!/usr/bin/env bash
# Where the time goes end to end: starts a local cluster, warms it up, then runs the end-to-end
# send benchmark while reading each process's CPU time from /proc and recording JFR execution
# samples on gateway-1, room-1 and history-1. Prints CPU seconds per process and a category
# breakdown of each profile. Needs python3 for the summary. About 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools/profile-lib.sh
timeout 120 java -cp $JAR io.switchboard.bench.ReplayBench --seconds 20 --runs 1 --out /dev/null >/dev/null 2>&1

start_profile "$OUT" 15
timeout 120 java -cp $JAR io.switchboard.bench.ReplayBench --seconds 15 --runs 1 --store sqlite --out "$OUT/result.jsonl" >/dev/null 2>&1
echo "== CPU seconds per process during the measured run (3 s warm-up + 15 s sends + one 5,000-message replay)"
print_cpu
echo "== result"; cat "$OUT/result.jsonl"
summarise_profiles "$OUT"
