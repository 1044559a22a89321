# Sourced by the benchmark scripts before they start a local cluster: the settings that differ
# from the product's defaults, and why. Everything else (room policies, body limits, the upgrade
# deadline, compression off) is as shipped.
#
# The load generator plays thousands of users from one machine: a publisher sends thousands of
# messages a second from one connection (a server-side publisher, not a person), and storms open
# 1,000 handshakes at once from 127.0.0.1. The per-connection and per-user rates, and the caps on
# unauthenticated connections per address, are raised far above that; the flood benchmark
# (bench/run-security-bench.sh) measures the defaults instead.
export SWITCHBOARD_GATEWAY_FRAME_RATE=1000000
export SWITCHBOARD_GATEWAY_FRAME_BURST=1000000
export SWITCHBOARD_GATEWAY_SEND_RATE=1000000
export SWITCHBOARD_GATEWAY_SEND_BURST=1000000
export SWITCHBOARD_GATEWAY_MAX_UNAUTHENTICATED_PER_IP=20000
export SWITCHBOARD_GATEWAY_MAX_UNAUTHENTICATED=20000
