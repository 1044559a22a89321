#!/usr/bin/env bash
# Security benchmarks (issue 8). Rewrites the "security" results section of docs/benchmarks.md.
#   1. Fuzz (>= 1,000,000 frames) and flood against a local cluster with the product's default
#      limits (./switchboard start as shipped: only development tokens are on).
#   2. Compression: one room of 1,000 at 20 msg/s with clients that offer permessage-deflate (as
#      browsers do) and clients that offer nothing, against the cluster with the load benchmarks'
#      settings (bench/tools/bench-env.sh) and against the control server, after a warm-up.
# About 12 minutes; every run is bounded (--max-seconds) and everything it starts it stops.
#
#   bench/run-security-bench.sh        needs: JDK 17, no local cluster running, ports 8080, 8081, 8090 free
set -euo pipefail
cd "$(dirname "$0")/.."
RESULTS=$(mktemp /tmp/switchboard-security.XXXXXX.jsonl)
JAR=bench/target/bench.jar
SEC="java -Xmx1g -cp $JAR io.switchboard.bench.security.SecurityBench --out $RESULTS"
GEN="java -Xmx2g -cp $JAR io.switchboard.bench.load.LoadGen --out $RESULTS"
FRAMES=${FRAMES:-1000000}

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests

echo "== fuzz and flood: local cluster with the default limits"
./switchboard start >/dev/null
trap './switchboard stop >/dev/null 2>&1 || true' EXIT
$SEC --scenario fuzz --frames "$FRAMES" --connections 200 --rate 40 --logs .run/logs --max-seconds 900
$SEC --scenario flood --seconds 20 --flood-every-ms 250 --flood-frames 2000 --max-seconds 300
./switchboard stop >/dev/null

echo "== compression: local cluster with the load benchmarks' settings"
(
  . bench/tools/bench-env.sh
  ./switchboard start >/dev/null
)
$GEN --target switchboard --scenario warmup --seconds 60 --out /dev/null --max-seconds 300
for offer in true false; do
  $GEN --target switchboard --scenario steady --subscribers 1000 --rate 20 --seconds 20 --offer-deflate $offer --max-seconds 300
done
./switchboard stop >/dev/null

echo "== compression: control server"
. bench/tools/control-lib.sh
$GEN $CONTROL_TARGET --scenario warmup --seconds 30 --out /dev/null --max-seconds 300
for offer in true false; do
  $GEN $CONTROL_TARGET --scenario steady --subscribers 1000 --rate 20 --seconds 20 --offer-deflate $offer --max-seconds 300
done
kill $CONTROL

java -cp $JAR io.switchboard.bench.SecurityReport "$RESULTS" docs/benchmarks.md security
echo "results: $RESULTS (written into docs/benchmarks.md)"
