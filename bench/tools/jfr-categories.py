#!/usr/bin/env python3
"""Summarises `jfr print --events jdk.ExecutionSample` output: share of samples per category
(JSON, event bus, Hazelcast, SQLite, Switchboard packages) and the hottest leaf frames."""
import collections
import re
import sys

text = open(sys.argv[1]).read()
leaf, category, total = collections.Counter(), collections.Counter(), 0
for sample in text.split("jdk.ExecutionSample")[1:]:
    frames = re.findall(r"^\s+([\w$.<>]+)\(", sample, re.M)
    if not frames:
        continue
    total += 1
    leaf[frames[0]] += 1
    cat = next((".".join(f.split(".")[:4]) for f in frames if f.startswith("io.switchboard")), "other (Netty, Vert.x, JDK)")
    for f in frames:
        if "Json" in f or "jackson" in f:
            cat = "JSON encode/decode"; break
        if "micrometer" in f:
            cat = "metrics (Micrometer)"; break
        if "hazelcast" in f:
            cat = "Hazelcast"; break
        if "sqlite" in f:
            cat = "SQLite"; break
        if "eventbus" in f.lower():
            cat = "event bus"; break
    category[cat] += 1
print(f"{total} samples")
for name, n in category.most_common(8):
    print(f"  {100 * n / max(total, 1):5.1f}%  {name}")
print("hottest leaf frames:")
for name, n in leaf.most_common(5):
    print(f"  {100 * n / max(total, 1):5.1f}%  {name}")
