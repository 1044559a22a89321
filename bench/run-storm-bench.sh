#!/usr/bin/env bash
# The reconnect storm alone (issue 10): a fresh local cluster, the 90 s warm-up, then scenario 4
# (10,000 clients connect; gateway-2 is killed with SIGKILL under 500 msg/s; its 5,000 clients
# reconnect as the SDK does while the other 5,000 are measured against a baseline window). Prints
# the scenario's tables (LoadReport) and the results file; it does not rewrite docs/benchmarks.md.
# About 3 minutes after a build. Extra arguments go to the storm LoadGen invocation, e.g.
# --reconnect-min-ms 0 --reconnect-first-max-ms 250 (the load generator's reconnects before issue 10).
#
#   bench/run-storm-bench.sh [LoadGen options]    needs: no local cluster running, ports 8080, 8081 free
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=$(mktemp /tmp/switchboard-storm.XXXXXX.jsonl)
JAR=bench/target/bench.jar
GEN="java -Xmx2g -cp $JAR io.switchboard.bench.load.LoadGen"
if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh
./switchboard start >/dev/null
trap './switchboard stop >/dev/null 2>&1 || true' EXIT
$GEN --target switchboard --scenario warmup --seconds 90 --out /dev/null --max-seconds 300
$GEN --target switchboard --scenario storm --connections 10000 --kill gateway-2 --out "$RESULTS" --max-seconds 600 "$@"
./switchboard stop >/dev/null
trap - EXIT
java -cp $JAR io.switchboard.bench.LoadReport "$RESULTS" -
echo "results: $RESULTS (cluster logs: .run/logs)"
