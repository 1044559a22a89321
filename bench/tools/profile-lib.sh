# Shared by bench/profile-*.sh: builds if needed, starts a local cluster (stopped on exit), and
# offers CPU seconds per cluster process from /proc and JFR execution samples on gateway-1, room-1
# and history-1. Source it from the repository root; it sets JAR and OUT (the output directory).
JAR=bench/target/bench.jar
OUT=$(mktemp -d /tmp/switchboard-profile.XXXXXX)
[ -f $JAR ] || ./mvnw -B -q package -DskipTests
. bench/tools/bench-env.sh
./switchboard start >/dev/null
trap './switchboard stop >/dev/null' EXIT

PROFILED=(gateway-1 room-1 history-1)
declare -A CPU_BEFORE

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Remembers every process's CPU time and starts a JFR recording of $2 seconds in $1/<process>.jfr.
start_profile() {
  local out=$1 seconds=$2 f
  for f in .run/*.pid; do CPU_BEFORE[$(basename "$f" .pid)]=$(cpu "$(cat "$f")"); done
  for n in "${PROFILED[@]}"; do
    jcmd "$(cat ".run/$n.pid")" JFR.start name=profile duration="${seconds}s" settings=profile filename="$out/$n.jfr" >/dev/null
  done
}

# Prints each process's CPU seconds since start_profile.
print_cpu() {
  local ticks f n
  ticks=$(getconf CLK_TCK)
  for f in .run/*.pid; do
    n=$(basename "$f" .pid)
    echo "  $n $(awk -v a="$(cpu "$(cat "$f")")" -v b="${CPU_BEFORE[$n]}" -v t="$ticks" 'BEGIN {printf "%.1f", (a - b) / t}')"
  done
}

# Summarises each recording by category (bench/tools/jfr-categories.py).
summarise_profiles() {
  local out=$1
  sleep 2
  for n in "${PROFILED[@]}"; do
    echo "== $n"
    jfr print --events jdk.ExecutionSample "$out/$n.jfr" > "$out/$n.txt"
    python3 bench/tools/jfr-categories.py "$out/$n.txt"
  done
  echo "(recordings in $out)"
}
