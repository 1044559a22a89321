#!/usr/bin/env bash
# Load-generator benchmarks (issue 4): every scenario (fan-out, many small rooms, cross-gateway,
# connection and reconnect storms, history replay, idle memory, slow consumers) against a local
# Switchboard cluster started with ./switchboard start, then the scenarios that apply to it against
# the single-process control server. Rewrites the "load" results section of docs/benchmarks.md.
# About 40 minutes; every run is bounded (--max-seconds) and everything it starts it stops. The
# reconnect storm kills gateway-2, so it runs last against the cluster.
#
#   bench/run-load-bench.sh        needs: JDK 17, no local cluster running, ports 8080, 8081, 8090 free
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=$(mktemp /tmp/switchboard-load.XXXXXX.jsonl)
JAR=bench/target/bench.jar
GEN="java -Xmx2g -cp $JAR io.switchboard.bench.load.LoadGen"
SIZES=${SIZES:-10,100,1000,5000}
IDLE=${IDLE:-5000,10000,19000}
CONNECTIONS=${CONNECTIONS:-10000}
SLOW="--scenario slow --subscribers 500 --slow-percent 1 --rate 64 --pad 2048 --seconds 60"

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh

echo "== Switchboard: local cluster (./switchboard start)"
./switchboard start >/dev/null
trap './switchboard stop >/dev/null 2>&1 || true' EXIT
$GEN --target switchboard --scenario warmup --seconds 90 --out /dev/null --max-seconds 300
$GEN --target switchboard --scenario fanout --sizes "$SIZES" --out "$RESULTS" --max-seconds 1200
$GEN --target switchboard --scenario rooms --connections "$CONNECTIONS" --out "$RESULTS" --max-seconds 900
$GEN --target switchboard --scenario cross --subscribers 100 --out "$RESULTS" --max-seconds 600
$GEN --target switchboard --scenario replay --missed 50,500,5000 --runs 5 --out "$RESULTS" --max-seconds 600
$GEN --target switchboard --scenario idle --counts "$IDLE" --measure gateway-1 --out "$RESULTS" --max-seconds 900
$GEN --target switchboard $SLOW --out "$RESULTS" --max-seconds 600
$GEN --target switchboard --scenario storm --connections "$CONNECTIONS" --kill gateway-2 --out "$RESULTS" --max-seconds 600
./switchboard stop >/dev/null

echo "== control: single-process broadcast server"
. bench/tools/control-lib.sh
CTL="$GEN $CONTROL_TARGET --out $RESULTS"
$CTL --scenario warmup --seconds 90 --max-seconds 300
$CTL --scenario fanout --sizes "$SIZES" --max-seconds 1200
$CTL --scenario rooms --connections "$CONNECTIONS" --max-seconds 900
$CTL --scenario storm --connections "$CONNECTIONS" --max-seconds 300
$CTL --scenario idle --counts "$IDLE" --measure control --max-seconds 900
$CTL $SLOW --max-seconds 600
kill $CONTROL

java -cp $JAR io.switchboard.bench.LoadReport "$RESULTS" docs/benchmarks.md load
echo "results: $RESULTS (written into docs/benchmarks.md)"
