"""Summarises bench/run-ab-bench.sh results: per scenario step, the mean of each side's rounds."""
import collections
import json
import sys


def mean(values):
    return sum(values) / len(values)


rows = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows[(r["scenario"], r.get("members"), r["offeredSendRate"])][r["target"]].append(r)

print("| scenario | members | offered msg/s | before: CPU µs/delivery (net) | after: CPU µs/delivery (net) | change | before: p99 ms | after: p99 ms |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for (scenario, members, rate), sides in sorted(rows.items()):
    if "before" not in sides or "after" not in sides:
        continue
    b, a = sides["before"], sides["after"]
    cb, ca = mean([r["cpuMicrosPerDelivery"] for r in b]), mean([r["cpuMicrosPerDelivery"] for r in a])
    nb, na = mean([r["cpuMicrosPerDeliveryNet"] for r in b]), mean([r["cpuMicrosPerDeliveryNet"] for r in a])
    pb, pa = mean([r["p99ms"] for r in b]), mean([r["p99ms"] for r in a])
    print(f"| {scenario} | {members} | {rate:,.1f} | {cb:.1f} ({nb:.1f}) | {ca:.1f} ({na:.1f}) | {100 * (ca / cb - 1):+.1f}% | {pb:.1f} | {pa:.1f} |")
