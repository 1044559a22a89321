#!/usr/bin/env bash
# Event-bus TLS on versus off (issue 8): the cost of mutual TLS between the services, as durable
# sends meet it. Rounds alternate (off on off on ...), same build, same machine, one run. Each
# round: ./switchboard start with CLUSTER_TLS=off|on (and bench/tools/bench-env.sh), 20 s of
# ReplayBench's send phase to warm up, then a measured 20 s send phase (16 senders, each in its
# own room, 16 sends in flight) while the CPU seconds of all six processes are read from /proc in
# a 14 s window inside it. Rewrites the "tls" results section of docs/benchmarks.md. About 8 minutes.
#
#   bench/run-tls-bench.sh            needs: JDK 17, openssl, no local cluster running
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=bench/target/bench.jar
ROUNDS=${ROUNDS:-off on off on off on}
URLS=ws://127.0.0.1:8080/ws/v1,ws://127.0.0.1:8081/ws/v1
LINES=$(mktemp /tmp/switchboard-tls.XXXXXX.txt)

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh
trap './switchboard stop >/dev/null 2>&1 || true' EXIT
cpu_all() { local t=0 f; for f in .run/*.pid; do t=$((t + $(awk '{print $14 + $15}' "/proc/$(cat "$f")/stat"))); done; echo $t; }
for mode in $ROUNDS; do
  CLUSTER_TLS=$mode ./switchboard start >/dev/null
  timeout 120 java -cp $JAR io.switchboard.bench.ReplayBench --urls $URLS --seconds 20 --runs 1 --missed 10 --out /dev/null >/dev/null 2>&1 || true
  out=$(mktemp)
  timeout 120 java -cp $JAR io.switchboard.bench.ReplayBench --urls $URLS --seconds 20 --runs 1 --missed 10 --out "$out" >/dev/null 2>&1 &
  bench=$!
  sleep 4; c0=$(cpu_all); t0=$(date +%s.%N)
  sleep 14; c1=$(cpu_all); t1=$(date +%s.%N)
  wait $bench || true
  echo "$mode $(grep e2e-send "$out") $c0 $c1 $t0 $t1" >> "$LINES"
  rm -f "$out"
  ./switchboard stop >/dev/null
  echo "round $mode done"
done

python3 - "$LINES" "$(getconf CLK_TCK)" docs/benchmarks.md <<'PY'
import json, sys, statistics
lines, tck, doc = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows, per = [], {"off": [], "on": []}
for line in open(lines):
    mode, rest = line.split(" ", 1)
    j, tail = rest.rsplit("}", 1)
    r = json.loads(j + "}")
    c0, c1, t0, t1 = tail.split()
    cores = (int(c1) - int(c0)) / tck / (float(t1) - float(t0))
    us = cores / r["ackedPerSecond"] * 1e6
    per[mode].append((r["ackedPerSecond"], us))
    rows.append(f"| {mode} | {r['ackedPerSecond']:,.0f} | {r['ackP50ms']:.1f} | {r['ackP99ms']:.1f} | {cores:.2f} | {us:.0f} |")
md = ["", "| event-bus TLS | acked msg/s | ack p50 ms | ack p99 ms | cluster CPU, cores | CPU µs per acked message |",
      "|---|---:|---:|---:|---:|---:|", *rows, ""]
if per["off"] and per["on"]:
    off = statistics.mean(u for _, u in per["off"]); on = statistics.mean(u for _, u in per["on"])
    md.append(f"Mean CPU per acked message: {off:.0f} µs without TLS, {on:.0f} µs with it (**{(on / off - 1) * 100:+.0f}%**).")
    md.append("")
text = open(doc).read()
b, e = "<!-- results:tls:begin -->", "<!-- results:tls:end -->"
i, k = text.index(b), text.index(e)
open(doc, "w").write(text[:i + len(b)] + "\n" + "\n".join(md) + text[k:])
PY
echo "rounds: $LINES (written into docs/benchmarks.md)"
