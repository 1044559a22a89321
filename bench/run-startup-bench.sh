#!/usr/bin/env bash
# Start-to-ready time of each service (issue 10, fast restart): with a local cluster running
# (./switchboard start, event-bus TLS on), add one more instance of a kind, time it from the launch
# to the "switchboard service ready" line of its log (JVM start, Hazelcast join, TLS, store
# migrations, binding), then stop it with SIGTERM; RUNS times per kind. History is measured as a
# restart of the only instance on the same embedded store, as after a crash. Prints a Markdown table.
#
#   bench/run-startup-bench.sh [RUNS]      about 3 minutes with RUNS=5; needs: JDK 17, curl,
#                                          no local cluster running
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
LOGS=.run/logs

if ls .run/*.pid >/dev/null 2>&1; then
  echo "a local cluster is running; stop it first (./switchboard stop)" >&2
  exit 1
fi
./mvnw -B -q package -DskipTests
./switchboard start >/dev/null
trap './switchboard stop >/dev/null 2>&1 || true' EXIT

ms_of() { # HH:MM:SS.mmm -> milliseconds since midnight
  IFS=':.' read -r h m s f <<<"$1"
  echo $(( (10#$h * 3600 + 10#$m * 60 + 10#$s) * 1000 + 10#$f ))
}

# one KIND: adds an instance, prints its start-to-ready milliseconds, removes it
one() {
  local kind=$1 started name ready
  started=$(date +%H:%M:%S.%3N)
  name=$(./switchboard add "$kind" | grep -o "$kind-[0-9]*" | head -1)
  ready=$(grep -m1 "switchboard service ready" "$LOGS/$name.log" | cut -c1-12)
  echo $(( $(ms_of "$ready") - $(ms_of "$started") ))
  ./switchboard remove "$name" >/dev/null
}

echo "| service | runs | start to ready, ms: median | min | max | every run |"
echo "|---|---:|---:|---:|---:|---|"
for kind in room presence gateway history; do
  times=()
  for _ in $(seq 1 "$RUNS"); do
    if [ "$kind" = history ]; then
      ./switchboard remove history-1 >/dev/null 2>&1 || true
      started=$(date +%H:%M:%S.%3N)
      ./switchboard add history >/dev/null
      ready=$(grep "switchboard service ready" "$LOGS/history-1.log" | tail -1 | cut -c1-12)
      times+=($(( $(ms_of "$ready") - $(ms_of "$started") )))
    else
      times+=("$(one "$kind")")
    fi
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
  echo "| $kind | $RUNS | $median | $(echo "$sorted" | head -1) | $(echo "$sorted" | tail -1) | ${times[*]} |"
done
