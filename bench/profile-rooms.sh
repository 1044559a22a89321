#!/usr/bin/env bash
# Where the time goes with many small rooms (issue 4, scenario 2): starts a local cluster,
# warms it up (60 s of traffic), connects 10,000 clients (each in a personal room and a room of 10)
# and has them publish 1,450 msg/s in total (8,000 deliveries/s, unsaturated), then records 15 s of
# JFR execution samples on gateway-1, room-1 and history-1 while reading every process's CPU time
# from /proc. Prints CPU seconds per process and a category breakdown of each profile. Needs
# python3. About 4 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/tools/profile-lib.sh
java -cp $JAR io.switchboard.bench.load.LoadGen --scenario warmup --seconds 60 --out /dev/null --max-seconds 200 2>/dev/null
java -Xmx2g -cp $JAR io.switchboard.bench.load.LoadGen --scenario rooms --connections 10000 --warmup 30 \
  --start-deliveries 8000 --max-steps 1 --seconds 25 --out "$OUT/result.jsonl" --max-seconds 300 2>"$OUT/loadgen.log" &
GEN=$!
until grep -q "rooms-sweep" "$OUT/loadgen.log" 2>/dev/null; do
  kill -0 $GEN 2>/dev/null || { echo "load generator exited; see $OUT/loadgen.log" >&2; exit 1; }
  sleep 1
done
sleep 3

start_profile "$OUT" 15
sleep 15
echo "== CPU seconds per process over the 15 s recording (1,450 msg/s into 11,000 rooms)"
print_cpu
wait $GEN || true
echo "== result"; grep rooms-sweep "$OUT/result.jsonl" || true
summarise_profiles "$OUT"
