#!/usr/bin/env bash
# The chaos suite (issue 10, docs/reliability.md "Chaos suite"): docker-compose.yml on the
# namespace test bed under load, faults one after another, every room and every receiver stream
# checked after each. Runs ChaosSuiteTest with the chosen profile, then puts its table into
# docs/reliability.md between <!-- chaos:begin --> and <!-- chaos:end -->.
#
#   bench/run-chaos.sh [short|full]      short: about 3 minutes (what CI runs in ./mvnw verify);
#                                        full: every fault, kills 5x, about 15 minutes.
#                                        Needs root, ip netns, iptables, PostgreSQL on 127.0.0.1
#                                        if docker-compose.yml uses it. Fails if any fault lost,
#                                        duplicated, skipped or changed a message; the table is
#                                        written either way.
#
# The full profile's clock-skew faults need libfaketime (Debian/Ubuntu: apt-get install -y
# faketime, which provides /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1); the script
# checks for it before it starts. The short profile (and so CI) does not use it.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${1:-short}
case "$PROFILE" in short|full) ;; *) echo "usage: $0 [short|full]" >&2; exit 2 ;; esac
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
if [ "$PROFILE" = full ] && [ ! -r "$FAKETIME_LIB" ]; then
  echo "the full profile's clock-skew faults need libfaketime ($FAKETIME_LIB):" >&2
  echo "  apt-get install -y faketime" >&2
  exit 2
fi
TABLE=system-tests/target/chaos/table.md
DOC=docs/reliability.md

rm -f "$TABLE"
status=0
SWITCHBOARD_REQUIRE_NETNS=1 timeout 1800 ./mvnw -B verify -pl system-tests -am \
  -Dtest=ChaosSuiteTest -Dsurefire.failIfNoSpecifiedTests=false -Dchaos.profile="$PROFILE" || status=$?

if [ -s "$TABLE" ]; then
  # Keep everything outside the markers; replace what is between them with the new table.
  awk -v table="$TABLE" '
    /<!-- chaos:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- chaos:end -->/   { skip = 0 }
    !skip                  { print }
  ' "$DOC" > "$DOC.tmp" && mv "$DOC.tmp" "$DOC"
  echo "table written to $DOC"
else
  echo "no table: the suite did not get as far as writing one" >&2
fi
exit "$status"
