#!/usr/bin/env bash
# History failover (issue 10): how long writes stall when a history instance is killed with
# SIGKILL under load. Two local clusters, one after the other:
#
#   postgres  history on PostgreSQL (127.0.0.1:5432, database test, schema failover_bench, dropped
#             before and after) with 2 history instances. KILLS times, one of them (history-1, then
#             history-2, in turn) is killed, and started again 2 s later, as a supervisor would.
#   sqlite    the local default: 1 history instance on the embedded store, killed KILLS times and
#             started again at once.
#
# A kill comes SETTLE seconds (20) after the instance started last became ready, at the earliest:
# the instance that survives a kill has served traffic for a while (a kill right after a restart
# meets a cold JVM, which answers its first requests slowly).
#
# Load: LoadGen --scenario failover, ROOMS rooms (20), each with one publisher at RATE msg/s (20) and
# one subscriber, spread over both gateways. After each kill it reports the longest window with no
# ack at all and the longest any one room waited for an ack (within 15 s of the kill), how long the
# killed instance took to be ready again (./switchboard's readiness poll, every 0.5 s), and per
# store the sends, acks, error frames, the gaps and duplicates the subscribers saw, and the longest
# any room waited before the first kill. Prints Markdown tables. Every process's log is kept (a
# killed instance's before it is started again) in a folder named at the end.
#
#   bench/run-history-failover-bench.sh [KILLS]   KILLS defaults to 5; about 8 minutes with 5.
#                                                 STORES="postgres sqlite" (the default) or either.
#                                                 needs: JDK 17, curl, psql, PostgreSQL on
#                                                 127.0.0.1:5432 (user postgres, trust), no local
#                                                 cluster running
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${1:-5}
ROOMS=${ROOMS:-20}
RATE=${RATE:-20}
STORES=${STORES:-postgres sqlite}
WARM_UP=15        # seconds of load before the first kill
SETTLE=${SETTLE:-20}
HORIZON=15        # seconds after a kill that its outage is looked for in
RESULTS=$(mktemp /tmp/switchboard-failover.XXXXXX.jsonl)
KEPT=$(mktemp -d /tmp/switchboard-failover-logs.XXXXXX)
JAR=bench/target/bench.jar
PSQL=(psql -q -h 127.0.0.1 -U postgres -d test -v ON_ERROR_STOP=1)

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
trap './switchboard stop >/dev/null 2>&1 || true' EXIT

now_ms() { date +%s%3N; }

# start_history N: starts history-N with ./switchboard's own launcher, so that it gets the ports,
# TLS, store file and bookkeeping of the cluster's other processes, and waits until it is ready.
# (./switchboard add history refuses a second instance: it guards the embedded store's single file,
# while PostgreSQL serves any number.) pipefail is off around the launcher: its free-slot search
# ends a `cat | grep -q` pipeline early, which pipefail can turn into a slot that is taken.
start_history() {
  bash -c '. ./switchboard status >/dev/null && set +o pipefail &&
    launch history "$1" SWITCHBOARD_HISTORY_SQLITE_PATH="$RUN/data/history.db" && wait_ready "history-$1"' ./switchboard "$1"
}

# kill_history NAME LABEL EVENTS: SIGKILL, the time of it appended to EVENTS (and kept in KILLED_AT),
# and ./switchboard's bookkeeping of the dead process cleared; its log kept, as starting it again
# overwrites it
kill_history() {
  KILLED_AT=$(now_ms)
  echo "$KILLED_AT $2" >>"$3"
  kill -9 "$(cat ".run/$1.pid")"
  ./switchboard remove "$1" >/dev/null
  cp ".run/logs/$1.log" "$KEPT/$STORE-$1-killed-$(now_ms).log"
}

# keep_logs: the logs of every process of the cluster that is about to stop
keep_logs() {
  for f in .run/logs/*.log; do cp "$f" "$KEPT/$STORE-$(basename "$f")"; done
}

# ready_again: records how long after the last kill its instance was ready again
ready_again() {
  echo "{\"scenario\":\"restart\",\"label\":\"$STORE\",\"readyMs\":$(($(now_ms) - KILLED_AT))}" >>"$RESULTS"
}

# load LABEL EVENTS: the failover scenario in the background, until stop_load; sets LOAD to its pid
load() {
  STOP=$(mktemp -u /tmp/switchboard-failover-stop.XXXXXX)
  local most=$((WARM_UP + KILLS * (SETTLE + 60) + HORIZON))
  timeout $((most + 120)) java -Xmx1g -cp $JAR io.switchboard.bench.load.LoadGen --target switchboard \
    --scenario failover --rooms "$ROOMS" --rate "$RATE" --seconds "$most" --stop-file "$STOP" \
    --events "$2" --horizon-ms $((HORIZON * 1000)) --label "$1" --out "$RESULTS" --max-seconds $((most + 100)) \
    >"/tmp/switchboard-failover-$1.log" 2>&1 &
  LOAD=$!
  sleep "$WARM_UP"
}

# stop_load: the last kill's horizon, then the load stops and reports
stop_load() {
  sleep "$HORIZON"
  touch "$STOP"
  wait "$LOAD"
  rm -f "$STOP"
}

for STORE in $STORES; do
  case "$STORE" in
    postgres)
      echo "== postgres, 2 history instances" >&2
      "${PSQL[@]}" -c 'DROP SCHEMA IF EXISTS failover_bench CASCADE'
      export SWITCHBOARD_HISTORY_STORE=postgres SWITCHBOARD_HISTORY_PG_DATABASE=test SWITCHBOARD_HISTORY_PG_SCHEMA=failover_bench
      ./switchboard start >/dev/null
      start_history 2
      EVENTS=$(mktemp /tmp/switchboard-failover-events.XXXXXX)
      load postgres "$EVENTS"
      for k in $(seq 1 "$KILLS"); do
        victim=$(( (k - 1) % 2 + 1 ))
        kill_history "history-$victim" "history-$victim" "$EVENTS"
        sleep 2
        start_history "$victim" >/dev/null
        ready_again
        [ "$k" -eq "$KILLS" ] || sleep "$SETTLE"
      done
      stop_load
      keep_logs
      ./switchboard stop >/dev/null
      "${PSQL[@]}" -c 'DROP SCHEMA IF EXISTS failover_bench CASCADE'
      unset SWITCHBOARD_HISTORY_STORE SWITCHBOARD_HISTORY_PG_DATABASE SWITCHBOARD_HISTORY_PG_SCHEMA ;;
    sqlite)
      echo "== sqlite, 1 history instance" >&2
      ./switchboard start >/dev/null
      EVENTS=$(mktemp /tmp/switchboard-failover-events.XXXXXX)
      load sqlite "$EVENTS"
      for k in $(seq 1 "$KILLS"); do
        kill_history history-1 history-1 "$EVENTS"
        start_history 1 >/dev/null
        ready_again
        [ "$k" -eq "$KILLS" ] || sleep "$SETTLE"
      done
      stop_load
      keep_logs
      ./switchboard stop >/dev/null ;;
    *) echo "unknown store $STORE (postgres or sqlite)" >&2; exit 1 ;;
  esac
done

python3 - "$RESULTS" "$ROOMS" "$RATE" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
shape = {"postgres": "PostgreSQL, 2 history instances (one killed, started again 2 s later)",
         "sqlite": "embedded SQLite, 1 history instance (killed, started again at once)"}
for label in ("postgres", "sqlite"):
    kills = [r for r in rows if r["scenario"] == "failover" and r["label"] == label]
    ready = [r["readyMs"] for r in rows if r["scenario"] == "restart" and r["label"] == label]
    summary = next((r for r in rows if r["scenario"] == "failover-summary" and r["label"] == label), None)
    if summary is None:
        continue
    print(f"\n**{shape[label]}: {sys.argv[2]} rooms x {sys.argv[3]} msg/s**\n")
    print("| kill | instance killed | no ack at all, ms | longest one room waited, ms | killed instance ready again after, ms |")
    print("|---:|---|---:|---:|---:|")
    for i, (k, r) in enumerate(zip(kills, ready), 1):
        print(f"| {i} | {k['fault']} | {k['noAckMs']:,} | {k['worstRoomMs']:,} | {r:,} |")
    worst = max(k["worstRoomMs"] for k in kills)
    errors = ", ".join(f"{c} {n}" for c, n in summary["errors"].items()) or "none"
    print(f"\nLongest any room waited across all kills: {worst:,} ms; before the first kill: "
          f"{summary['quietWorstRoomMs']:,} ms. Sends {summary['sends']:,} in {summary['seconds']} s, acks {summary['acks']:,}, "
          f"error frames: {errors}; subscribers saw {summary['gaps']} gaps and {summary['duplicates']} duplicates.")
PY
echo "results: $RESULTS, logs: $KEPT" >&2
