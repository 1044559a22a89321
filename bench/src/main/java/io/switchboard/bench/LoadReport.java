package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Markdown for the load-generator results, written into docs/benchmarks.md between
 * {@code <!-- results:NAME:begin -->} and {@code <!-- results:NAME:end -->}. The efficiency ratio
 * compares Switchboard's CPU per delivery with the control's at the same fan-out and the same
 * offered rate, at the highest rate both handled unsaturated.
 */
public final class LoadReport {

  private LoadReport() {
  }

  public static void main(String[] args) throws Exception {
    Sections.replace(Path.of(args[1]), args[2], tables(Sections.readResults(Path.of(args[0]))));
  }

  static String tables(List<JsonObject> results) {
    StringBuilder md = new StringBuilder();
    md.append("\n**Fan-out and cross-gateway: publish-rate sweep to saturation, then latency at 25/50/75% of it**\n\n")
        .append("| target | scenario | members | offered msg/s | deliveries/s (expected) | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | errors | gaps | CPU µs per delivery | saturated |\n")
        .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (JsonObject r : results) {
      if (r.containsKey("deliveriesPerSec") && !r.getString("scenario").endsWith("warmup")) {
        String label = r.getString("scenario") + (r.containsKey("fractionOfSaturation")
            ? " @" + Math.round(r.getDouble("fractionOfSaturation") * 100) + "%" : "");
        md.append(String.format("| %s | %s | %,d | %.1f | %,.0f (%,.0f) | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %s | %s |%n",
            r.getString("target"), label, r.getInteger("members"), r.getDouble("offeredSendRate"),
            r.getDouble("deliveriesPerSec"), r.getDouble("expectedDeliveriesPerSec"), r.getDouble("p50ms"), r.getDouble("p95ms"),
            r.getDouble("p99ms"), r.getDouble("p999ms"), r.getDouble("maxMs"), r.getLong("errors"), r.getLong("gaps"),
            r.getValue("cpuMicrosPerDelivery"), r.getBoolean("saturated") ? "yes" : "no"));
      }
    }
    md.append("\n**Efficiency: CPU per delivery, Switchboard (all 6 processes) ÷ control (1 process), same fan-out, same offered rate**\n\n")
        .append("| members | offered msg/s | Switchboard CPU µs/delivery | control CPU µs/delivery | ratio |\n")
        .append("|---:|---:|---:|---:|---:|\n");
    Map<String, JsonObject> control = new LinkedHashMap<>();
    for (JsonObject r : results) {
      if ("control".equals(r.getString("target")) && "fanout-sweep".equals(r.getString("scenario")) && !r.getBoolean("saturated")) {
        control.put(r.getInteger("members") + "@" + r.getDouble("offeredSendRate"), r);
      }
    }
    Map<Integer, JsonObject[]> best = new LinkedHashMap<>();
    for (JsonObject r : results) {
      if ("switchboard".equals(r.getString("target")) && "fanout-sweep".equals(r.getString("scenario")) && !r.getBoolean("saturated")) {
        JsonObject c = control.get(r.getInteger("members") + "@" + r.getDouble("offeredSendRate"));
        if (c != null) {
          best.put(r.getInteger("members"), new JsonObject[] {r, c});
        }
      }
    }
    best.forEach((members, pair) -> md.append(String.format("| %,d | %.1f | %.1f | %.1f | %.2f |%n", members,
        pair[0].getDouble("offeredSendRate"), pair[0].getDouble("cpuMicrosPerDelivery"), pair[1].getDouble("cpuMicrosPerDelivery"),
        pair[0].getDouble("cpuMicrosPerDelivery") / pair[1].getDouble("cpuMicrosPerDelivery"))));
    md.append("\n**Slow consumers: 1% of a room's subscribers stop reading; what the others see**\n\n")
        .append("| target | members | slow consumers | offered msg/s | deliveries/s to the others | p50 ms | p99 ms | p99.9 ms | slow consumers disconnected | gaps | peak RSS of the busiest process MiB |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : results) {
      if ("slow-consumers".equals(r.getString("scenario"))) {
        long peak = r.getJsonObject("peakRssKiB").stream().mapToLong(e -> ((Number) e.getValue()).longValue()).max().orElse(0);
        md.append(String.format("| %s | %,d | %d | %.1f | %,.0f | %.1f | %.1f | %.1f | %d | %d | %d |%n", r.getString("target"),
            r.getInteger("members"), r.getLong("slowConsumers"), r.getDouble("offeredSendRate"), r.getDouble("deliveriesPerSec"),
            r.getDouble("p50ms"), r.getDouble("p99ms"), r.getDouble("p999ms"), r.getLong("disconnectedTotal"), r.getLong("gaps"),
            peak / 1024));
      }
    }
    md.append("\n**Idle connections: memory growth of the process holding them (heap measured after a full GC)**\n\n")
        .append("| target | process | connections | RSS growth KiB | heap growth KiB | bytes per connection (RSS) | bytes per connection (heap) | connect time s |\n")
        .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : results) {
      if ("idle".equals(r.getString("scenario"))) {
        md.append(String.format("| %s | %s | %,d | %,d | %,d | %,d | %,d | %.1f |%n", r.getString("target"), r.getString("process"),
            r.getInteger("connections"), r.getLong("rssGrowthKiB"), r.getLong("heapGrowthKiB"), r.getLong("bytesPerConnectionRss"),
            r.getLong("bytesPerConnectionHeap"), r.getDouble("connectSeconds")));
      }
    }
    return md.toString();
  }
}
