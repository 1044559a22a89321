#!/usr/bin/env bash
# Durable-history benchmarks (issue 3): store throughput through the sequencer for each store, then
# end-to-end sends and replay against a local cluster per store. Rewrites the "history" results
# section of docs/benchmarks.md. Takes about 6 minutes; every run is bounded in time.
#
#   bench/run-history-bench.sh            needs: JDK 17, PostgreSQL on 127.0.0.1:5432 (database test),
#                                         no local cluster running (it starts and stops its own)
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=$(mktemp /tmp/switchboard-bench.XXXXXX.jsonl)
JAR=bench/target/bench.jar

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh

echo "== store benchmarks (10 s each after 3 s warm-up)"
for store in memory sqlite postgres; do
  for shape in "16 4 4" "64 4 8"; do
    set -- $shape
    timeout 120 java -cp $JAR io.switchboard.bench.StoreBench --store $store --rooms $1 --senders $2 --window $3 \
      --seconds 10 --warmup 3 --out "$RESULTS"
  done
done

run_cluster() { # store
  trap './switchboard stop >/dev/null 2>&1 || true' RETURN
  rm -f .run/data/history.db*
  SWITCHBOARD_HISTORY_STORE=$1 SWITCHBOARD_HISTORY_PG_DATABASE=test SWITCHBOARD_HISTORY_PG_SCHEMA=sb_bench \
    ./switchboard start >/dev/null
  echo "== end to end with history.store=$1: warm-up pass (not recorded), then the measured pass"
  timeout 180 java -cp $JAR io.switchboard.bench.ReplayBench --seconds 20 --runs 3 --store "$1" --out /dev/null
  timeout 180 java -cp $JAR io.switchboard.bench.ReplayBench --seconds 15 --runs 10 --store "$1" --out "$RESULTS"
}
run_cluster sqlite
run_cluster postgres

java -cp $JAR io.switchboard.bench.BenchReport "$RESULTS" docs/benchmarks.md history
echo "results: $RESULTS (written into docs/benchmarks.md)"
