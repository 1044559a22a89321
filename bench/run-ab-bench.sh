#!/usr/bin/env bash
# A/B of two builds on the local cluster, for a refactor that must not cost anything: the cluster
# built from REV (in a temporary git worktree) against the cluster built from this working tree,
# both driven by this tree's load generator, alternating ROUNDS times so that the machine's drift
# between runs hits both sides alike. Prints one table row per scenario step: mean CPU per
# delivery (gross and net of idle), its change, and mean p99.
#
#   bench/run-ab-bench.sh REV ROUNDS LoadGen-args...
#   bench/run-ab-bench.sh 297c048 2 --scenario rooms --connections 10000 --max-steps 3 --seconds 10
#
# About 4 minutes per side and round for that example. Needs: JDK 17, python3, no local cluster
# running, ports 8080, 8081 free.
set -euo pipefail
cd "$(dirname "$0")/.."
REV=${1:?usage: bench/run-ab-bench.sh REV ROUNDS LoadGen-args...}
ROUNDS=${2:?usage: bench/run-ab-bench.sh REV ROUNDS LoadGen-args...}
shift 2
HERE=$(pwd)
OLD=$(mktemp -d /tmp/switchboard-ab.XXXXXX)
RESULTS=$(mktemp /tmp/switchboard-ab.XXXXXX.jsonl)
GEN="java -Xmx2g -cp $HERE/bench/target/bench.jar io.switchboard.bench.load.LoadGen"

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
git worktree add -q --detach "$OLD" "$REV"
cleanup() {
  (cd "$OLD" && ./switchboard stop >/dev/null 2>&1) || true
  ./switchboard stop >/dev/null 2>&1 || true
  git worktree remove --force "$OLD" || true
}
trap cleanup EXIT
(cd "$OLD" && ./mvnw -B -q package -DskipTests)
./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh

for round in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    dir=$HERE
    [ "$side" = before ] && dir=$OLD
    echo "== round $round: $side ($(date +%T))"
    (cd "$dir" && ./switchboard start >/dev/null)
    $GEN --target switchboard --run-dir "$dir/.run" --scenario warmup --seconds 60 --out /dev/null --max-seconds 200
    one=$(mktemp /tmp/switchboard-ab.XXXXXX.jsonl)
    $GEN --target switchboard --run-dir "$dir/.run" "$@" --out "$one" --max-seconds 900
    (cd "$dir" && ./switchboard stop >/dev/null)
    sed "s/\"target\":\"switchboard\"/\"target\":\"$side\"/" "$one" >> "$RESULTS"
    rm -f "$one"
  done
done
echo "results: $RESULTS"
python3 bench/tools/ab-table.py "$RESULTS"
