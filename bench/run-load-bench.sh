#!/usr/bin/env bash
# Load-generator benchmarks (issue 4): fan-out, cross-gateway, idle-memory and slow-consumer scenarios against a
# local Switchboard cluster, then the same fan-out, idle and slow scenarios against the single-process
# control server. Rewrites the "load" results section of docs/benchmarks.md. About 20 minutes;
# every run is bounded (--max-seconds) and everything it starts it stops.
#
#   bench/run-load-bench.sh        needs: JDK 17, no local cluster running, ports 8080, 8081, 8090 free
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=$(mktemp /tmp/switchboard-load.XXXXXX.jsonl)
JAR=bench/target/bench.jar
GEN="java -Xmx2g -cp $JAR io.switchboard.bench.load.LoadGen"
SIZES=${SIZES:-10,100,1000,5000}
IDLE=${IDLE:-5000,10000}

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests

echo "== Switchboard: local cluster (./switchboard start)"
./switchboard start >/dev/null
trap './switchboard stop >/dev/null 2>&1 || true' EXIT
$GEN --target switchboard --scenario fanout --sizes "$SIZES" --out "$RESULTS" --max-seconds 1200
$GEN --target switchboard --scenario cross --subscribers 100 --out "$RESULTS" --max-seconds 600
$GEN --target switchboard --scenario idle --counts "$IDLE" --measure gateway-1 --out "$RESULTS" --max-seconds 600
$GEN --target switchboard --scenario slow --subscribers 1000 --slow-percent 1 --rate 32 --out "$RESULTS" --max-seconds 300
./switchboard stop >/dev/null

echo "== control: single-process broadcast server"
java -Xmx512m -XX:+UseSerialGC -cp $JAR io.switchboard.bench.control.ControlServer --port 8090 > /tmp/switchboard-control.log 2>&1 &
CONTROL=$!
trap 'kill $CONTROL 2>/dev/null || true' EXIT
sleep 2
$GEN --target control --urls ws://127.0.0.1:8090/ws/v1 --pids control=$CONTROL --scenario fanout --sizes "$SIZES" \
  --out "$RESULTS" --max-seconds 1200
$GEN --target control --urls ws://127.0.0.1:8090/ws/v1 --pids control=$CONTROL --scenario idle --counts "$IDLE" \
  --measure control --out "$RESULTS" --max-seconds 600
$GEN --target control --urls ws://127.0.0.1:8090/ws/v1 --pids control=$CONTROL --scenario slow --subscribers 1000 \
  --slow-percent 1 --rate 32 --out "$RESULTS" --max-seconds 300
kill $CONTROL

java -cp $JAR io.switchboard.bench.LoadReport "$RESULTS" docs/benchmarks.md load
echo "results: $RESULTS (written into docs/benchmarks.md)"
