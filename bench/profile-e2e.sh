#!/usr/bin/env bash
# Where the time goes end to end: starts a local cluster, warms it up, then runs the end-to-end
# send benchmark while reading each process's CPU time from /proc and recording JFR execution
# samples on gateway-1, room-1 and history-1. Prints CPU seconds per process and a category
# breakdown of each profile. Needs python3 for the summary. About 2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bench/target/bench.jar
OUT=$(mktemp -d /tmp/switchboard-profile.XXXXXX)
[ -f $JAR ] || ./mvnw -B -q package -DskipTests
./switchboard start >/dev/null
trap './switchboard stop >/dev/null' EXIT
timeout 120 java -cp $JAR io.switchboard.bench.ReplayBench --seconds 20 --runs 1 --out /dev/null >/dev/null 2>&1

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A before
for f in .run/*.pid; do before[$(basename "$f" .pid)]=$(cpu "$(cat "$f")"); done
for n in gateway-1 room-1 history-1; do
  jcmd "$(cat .run/$n.pid)" JFR.start name=profile duration=15s settings=profile filename="$OUT/$n.jfr" >/dev/null
done
timeout 120 java -cp $JAR io.switchboard.bench.ReplayBench --seconds 15 --runs 1 --store sqlite --out "$OUT/result.jsonl" >/dev/null 2>&1
ticks=$(getconf CLK_TCK)
echo "== CPU seconds per process during the measured run (3 s warm-up + 15 s sends + one 5,000-message replay)"
for f in .run/*.pid; do
  n=$(basename "$f" .pid)
  echo "  $n $(awk -v a="$(cpu "$(cat "$f")")" -v b="${before[$n]}" -v t="$ticks" 'BEGIN {printf "%.1f", (a - b) / t}')"
done
echo "== result"; cat "$OUT/result.jsonl"
sleep 2
for n in gateway-1 room-1 history-1; do
  echo "== $n"
  jfr print --events jdk.ExecutionSample "$OUT/$n.jfr" > "$OUT/$n.txt"
  python3 bench/tools/jfr-categories.py "$OUT/$n.txt"
done
echo "(recordings in $OUT)"
