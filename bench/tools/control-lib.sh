# Sourced by the benchmark scripts (from the repository root, with JAR set): starts the control
# server (bench/src/.../control/ControlServer) on port 8090, stopped when the script exits, and
# sets CONTROL to its pid and CONTROL_TARGET to the LoadGen options that aim at it.
java -Xmx512m -XX:+UseSerialGC -cp "$JAR" io.switchboard.bench.control.ControlServer --port 8090 > /tmp/switchboard-control.log 2>&1 &
CONTROL=$!
trap 'kill $CONTROL 2>/dev/null || true' EXIT
sleep 2
CONTROL_TARGET="--target control --urls ws://127.0.0.1:8090/ws/v1 --pids control=$CONTROL"
