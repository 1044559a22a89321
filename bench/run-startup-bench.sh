#!/usr/bin/env bash
# Start-to-ready time of each service (issue 10, fast restart). With a local cluster running
# (./switchboard start, event-bus TLS on), it adds one more instance of a kind and times it from
# the launch (just before `./switchboard add`) to the first 200 from /health/ready on the new
# process's management port, polled every 20 ms; then stops it with SIGTERM. RUNS times per kind.
# History is measured as a restart of the only instance on the same embedded store, as after a
# crash. Prints a Markdown table: median and max per kind, and every run.
#
#   bench/run-startup-bench.sh [RUNS]      about 3 minutes with RUNS=5; needs: JDK 17, python3,
#                                          curl, no local cluster running
#   KINDS="room" bench/run-startup-bench.sh 5   only these kinds (default: room presence gateway history)
#
# The cluster is started as ./switchboard starts it; its settings (JAVA_OPTS, SWITCHBOARD_CDS, ...)
# pass through, so the same script measures both sides of an A/B, e.g. SWITCHBOARD_CDS=off.
# Run it alone on the machine (other processes' CPU shows up in every start).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
RUN=.run

if ls $RUN/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./switchboard start >/dev/null
trap './switchboard stop >/dev/null 2>&1 || true' EXIT
# The cluster's JVMs compile their hot code for a while after they start; let that pass so every
# run sees an idle cluster, as a restart in a running system would.
sleep 15

now_ms() { date +%s%3N; }

# next_name KIND: the name ./switchboard add gives the next instance of KIND
next_name() {
  local i=1
  while [ -f "$RUN/$1-$i.pid" ]; do i=$((i + 1)); done
  echo "$1-$i"
}

# timed_add KIND: adds an instance of KIND and prints its launch-to-ready milliseconds.
# One python3 process polls (every 20 ms, a few milliseconds of CPU in all): a shell loop forking
# curl and date 150 times a second took enough of the 2 cores to slow the start it measured.
timed_add() {
  local kind=$1 name started
  name=$(next_name "$kind")
  started=$(now_ms)
  ./switchboard add "$kind" >/dev/null &
  local add=$!
  if python3 - "$started" "$RUN/$name.mport" "$RUN/logs/$name.log" <<'POLL'
import http.client, os, sys, time
started, mport_file, log_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
deadline = started / 1000 + 60
port = None
while time.time() < deadline:
    if port is None and os.path.exists(mport_file):
        with open(mport_file) as f:
            port = int(f.read().strip() or 0) or None  # written right after the launch
    if port is not None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/health/ready")
            status = conn.getresponse().status
            conn.close()
        except OSError:
            status = None
        if status == 200:
            ready = time.time()
            # The 200 counts only if it came from the new process: it logs "ready" right after.
            while time.time() < ready + 2:
                with open(log_file) as f:
                    if "switchboard service ready" in f.read():
                        print(round(ready * 1000) - started)
                        sys.exit(0)
                time.sleep(0.02)
            sys.exit(f"port {port} answered ready, but the new process did not log that it was")
    time.sleep(0.02)
sys.exit("not ready within 60 s")
POLL
  then
    wait $add
  else
    echo "$name: see $RUN/logs/$name.log" >&2
    exit 1
  fi
}

echo "| service | runs | start to ready, ms: median | max | every run |"
echo "|---|---:|---:|---:|---|"
for kind in ${KINDS:-room presence gateway history}; do
  times=()
  for _ in $(seq 1 "$RUNS"); do
    [ "$kind" != history ] || ./switchboard remove history-1 >/dev/null
    name=$(next_name "$kind")
    times+=("$(timed_add "$kind")")
    [ "$kind" = history ] || ./switchboard remove "$name" >/dev/null
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "| $kind | $RUNS | $median | $(echo "$sorted" | tail -1) | ${times[*]} |"
done
