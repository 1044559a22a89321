package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Markdown for the load-generator results, written into docs/benchmarks.md between
 * {@code <!-- results:NAME:begin -->} and {@code <!-- results:NAME:end -->}. The efficiency ratio
 * compares Switchboard's CPU per delivery with the control's in the same scenario at the same
 * offered rate, at the highest rate both handled unsaturated.
 */
public final class LoadReport {

  private static final String SWEEP_HEADER =
      "| target | scenario | members | offered msg/s | deliveries/s (expected) | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | errors | gaps | CPU µs per delivery | saturated |\n"
      + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n";

  private LoadReport() {
  }

  /** {@code RESULTS DOC SECTION} rewrites the section of DOC; {@code RESULTS -} prints the tables instead. */
  public static void main(String[] args) throws Exception {
    String md = tables(Sections.readResults(Path.of(args[0])));
    if (args[1].equals("-")) {
      System.out.print(md);
    } else {
      Sections.replace(Path.of(args[1]), args[2], md);
    }
  }

  static String tables(List<JsonObject> results) {
    StringBuilder md = new StringBuilder();
    md.append("\n**1, 3. Fan-out and cross-gateway: publish-rate sweep to saturation, then latency at 25/50/75% of it**\n\n")
        .append(SWEEP_HEADER);
    sweepRows(md, results, s -> s.startsWith("fanout") || s.startsWith("cross-gateway"));
    md.append("\n**2. Many small rooms: every connection in a personal room and a room of 10, publishing alternately into each"
        + " (members = mean deliveries per message)**\n\n").append(SWEEP_HEADER);
    sweepRows(md, results, s -> s.startsWith("rooms"));

    md.append("\n**Recovery after the overloaded step: seconds until a 1 s window at 25% of the saturation rate had no errors"
        + " and at least 90% of its expected deliveries (the latency rows were measured after it)**\n\n")
        .append("| target | scenario | members | overloaded at msg/s | errors in the overloaded step | recovery s |\n|---|---|---:|---:|---|---:|\n");
    for (JsonObject r : results) {
      if (r.containsKey("recoverySeconds")) {
        md.append(String.format("| %s | %s | %s | %.1f | %s | %.1f |%n", r.getString("target"), r.getString("scenario"), members(r),
            r.getDouble("offeredSendRate"), r.getJsonObject("errorsByCode", new JsonObject()).encode(), r.getDouble("recoverySeconds")));
      }
    }

    md.append("\n**Efficiency: CPU per delivery, Switchboard (all its processes) ÷ control (1 process), same scenario, same offered rate,"
        + " every rate both handled unsaturated. Net = after subtracting each target's CPU with no traffic, measured in the same run**\n\n")
        .append("| scenario | members | connections | offered msg/s | Switchboard CPU µs/delivery (net) | control CPU µs/delivery (net) | ratio | ratio, net |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String scenario : List.of("fanout-sweep", "rooms-sweep")) {
      ratioRows(md, results, scenario);
    }

    md.append("\n**4. Connection storm: every client connects, says hello and joins (rooms of 10) with that many handshakes in flight**\n\n")
        .append("| target | connections | in flight | time to all joined s | joins/s | p50 ms | p99 ms | max ms | failed |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : of(results, "connect-storm")) {
      md.append(String.format("| %s | %,d | %,d | %.1f | %,.0f | %.1f | %.1f | %.1f | %d |%n", r.getString("target"),
          r.getInteger("connections"), r.getInteger("concurrency"), r.getDouble("seconds"), r.getDouble("connectsPerSec"),
          r.getDouble("p50ms"), r.getDouble("p99ms"), r.getDouble("maxMs"), r.getLong("failures")));
    }
    md.append("\n**4. Reconnect storm: a gateway is killed (SIGKILL) under live traffic; its clients reconnect to the other"
        + " gateway as the SDK does (first retry after 1 to 5 s, full jitter, Retry-After honoured) and rejoin with `since`**\n\n")
        .append("| killed | clients dropped | resumed | time until all resumed s | per-client resume p50 / p99 / max ms | reconnect attempts"
            + " | msg/s offered | sends / acks | gaps | duplicates | rooms not recovered | members not at the room's last seq |\n")
        .append("|---|---:|---:|---:|---|---:|---:|---|---:|---:|---:|---:|\n");
    for (JsonObject r : of(results, "reconnect-storm")) {
      md.append(String.format("| %s | %,d | %,d | %.1f | %.0f / %.0f / %.0f | %,d | %.0f | %,d / %,d | %d | %d | %d | %d |%n",
          r.getString("killed"), r.getLong("dropped"), r.getLong("resumed"), r.getDouble("allResumedSeconds"),
          r.getDouble("resumeP50ms"), r.getDouble("resumeP99ms"), r.getDouble("resumeMaxMs"), r.getLong("reconnectAttempts"),
          r.getDouble("offeredSendRate"), r.getLong("sends"), r.getLong("acks"), r.getLong("gaps"), r.getLong("duplicates"),
          r.getLong("unrecovered"), r.getLong("membersBehind")));
    }
    List<JsonObject> survivors = of(results, "reconnect-storm").stream().filter(r -> r.containsKey("stormP99ms")).toList();
    if (!survivors.isEmpty()) {
      md.append("\n**4. Reconnect storm, the clients that stayed on the surviving gateway: send-to-delivery latency in a baseline"
          + " window before the kill and in the storm window (from the kill until every dropped client resumed, plus a few seconds),"
          + " and the longest stretch in which none of them received anything (10 ms resolution). Target: storm p99 at most 2× the baseline p99**\n\n")
          .append("| killed | first reconnect after ms | surviving clients | dropped meanwhile | refused with 503 | baseline window s (deliveries) | baseline p50 / p99 / max ms"
              + " | storm window s (deliveries) | storm p50 / p99 / max ms | p99 storm ÷ baseline | longest gap, baseline ms"
              + " | longest gap, storm ms (starting s after the kill) |\n")
          .append("|---|---|---:|---:|---:|---|---|---|---|---:|---:|---|\n");
      for (JsonObject r : survivors) {
        Double ratio = r.getDouble("p99Ratio");
        md.append(String.format("| %s | %s | %,d | %d | %,d | %.1f (%,d) | %.1f / %.1f / %.1f | %.1f (%,d) | %.1f / %.1f / %.1f | %s | %d | %,d (%.1f) |%n",
            r.getString("killed"), r.getString("firstReconnectDelayMs", "1000-5000"), r.getInteger("survivors"), r.getLong("survivorsDropped"), r.getLong("refused503", 0L),
            r.getDouble("baselineSeconds"), r.getLong("baselineDeliveries"),
            r.getDouble("baselineP50ms"), r.getDouble("baselineP99ms"), r.getDouble("baselineMaxMs"),
            r.getDouble("stormSeconds"), r.getLong("stormDeliveries"),
            r.getDouble("stormP50ms"), r.getDouble("stormP99ms"), r.getDouble("stormMaxMs"),
            ratio == null ? "–" : String.format("%.2f%s", ratio, r.getBoolean("withinTarget", false) ? "" : " (over 2×)"),
            r.getLong("baselineLongestGapMs"), r.getLong("stormLongestGapMs"), r.getLong("stormLongestGapAfterKillMs") / 1000.0));
      }
    }
    for (JsonObject r : survivors) {
      if (r.getJsonArray("stormBySecond", new io.vertx.core.json.JsonArray()).isEmpty()) {
        continue;
      }
      md.append(String.format("%n**4. Reconnect storm, second by second after the kill (%s killed at %s, first reconnect after %s ms): dropped clients resumed, the survivors'"
              + " latency, and CPU (%% of one core; the machine has 2 cores)**%n%n", r.getString("killed"), r.getString("killedAt", "?"),
              r.getString("firstReconnectDelayMs", "1000-5000")))
          .append("| second | dropped clients resumed | survivors' deliveries | survivors' p99 ms | survivors' max ms | surviving gateway CPU %"
              + " | all server processes CPU % | load generator CPU % | CPU % by server process |\n")
          .append("|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
      for (Object o : r.getJsonArray("stormBySecond")) {
        JsonObject s = (JsonObject) o;
        StringBuilder byProcess = new StringBuilder();
        s.getJsonObject("cpuPctByProcess", new JsonObject()).forEach(e -> byProcess.append(byProcess.isEmpty() ? "" : ", ")
            .append(e.getKey()).append(' ').append(e.getValue()));
        md.append(String.format("| %d | %,d | %,d | %.1f | %.1f | %d | %d | %d | %s |%n", s.getInteger("s"), s.getLong("resumed"),
            s.getLong("survivorDeliveries"), s.getDouble("p99ms"), s.getDouble("maxMs"), s.getLong("gatewayCpuPct"),
            s.getLong("serversCpuPct"), s.getLong("generatorCpuPct"), byProcess.isEmpty() ? "–" : byProcess));
      }
    }

    md.append("\n**5. History replay: rejoin with `since` after missed messages (join frame to `recovered` marker, every message in order)**\n\n")
        .append("| load | missed messages | runs | median ms | max ms | every run (ms) | live traffic meanwhile | live p99 ms |\n")
        .append("|---|---:|---:|---:|---:|---|---|---:|\n");
    for (JsonObject r : of(results, "replay")) {
      boolean live = r.containsKey("liveDeliveriesPerSec");
      md.append(String.format("| %s | %,d | %d | %.1f | %.1f | %s | %s | %s |%n", r.getString("load"), r.getInteger("missed"),
          r.getInteger("runs"), r.getDouble("medianMs"), r.getDouble("maxMs"), r.getJsonArray("allMs").encode(),
          live ? String.format("%,.0f deliveries/s, %d gaps", r.getDouble("liveDeliveriesPerSec"), r.getLong("liveGaps")) : "none",
          live ? String.format("%.1f", r.getDouble("liveP99ms")) : "–"));
    }

    md.append("\n**6. Idle connections: memory growth of the process holding them (heap measured after a full GC)**\n\n")
        .append("| target | process | connections | generator processes | RSS growth KiB | heap growth KiB | bytes per connection (RSS) | bytes per connection (heap) | connect time s |\n")
        .append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : of(results, "idle")) {
      md.append(String.format("| %s | %s | %,d | %d | %,d | %,d | %,d | %,d | %.1f |%n", r.getString("target"), r.getString("process"),
          r.getInteger("connections"), r.getInteger("generatorProcesses", 1), r.getLong("rssGrowthKiB"), r.getLong("heapGrowthKiB"),
          r.getLong("bytesPerConnectionRss"), r.getLong("bytesPerConnectionHeap"), r.getDouble("connectSeconds")));
    }

    for (JsonObject r : of(results, "idle")) {
      if (r.getJsonArray("heapByClass") == null) {
        continue;
      }
      md.append(String.format("%n**6. Where an idle connection's heap goes: %s, class histogram after a full GC, growth per connection at %,d connections (top 15)**%n%n",
          r.getString("process"), r.getInteger("connections")))
          .append("| class | bytes per connection | instances per connection |\n|---|---:|---:|\n");
      for (Object o : r.getJsonArray("heapByClass")) {
        JsonObject c = (JsonObject) o;
        md.append(String.format("| `%s` | %,.0f | %.2f |%n", c.getString("class"), c.getDouble("bytesPerConnection"),
            c.getDouble("instancesPerConnection")));
      }
    }

    md.append("\n**7. Slow consumers: everyone reads (baseline), then 1% of the subscribers stop reading; what the others see**\n\n")
        .append("| target | phase | members | slow consumers | msg/s (body bytes) | deliveries/s to the readers | p50 ms | p99 ms | p99.9 ms | closed with 4001 | gaps | peak RSS per process MiB |\n")
        .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (JsonObject r : results) {
      String scenario = r.getString("scenario", "");
      if (scenario.equals("slow-baseline") || scenario.equals("slow-consumers")) {
        StringBuilder rss = new StringBuilder();
        r.getJsonObject("peakRssKiB").forEach(e -> rss.append(rss.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
            .append(((Number) e.getValue()).longValue() / 1024));
        md.append(String.format("| %s | %s | %,d | %d | %.0f (%,d) | %,.0f | %.1f | %.1f | %.1f | %s | %d | %s |%n", r.getString("target"),
            scenario.equals("slow-baseline") ? "all read" : "1% stopped", r.getInteger("members"), r.getLong("slowConsumers"),
            r.getDouble("offeredSendRate"), r.getInteger("padBytes", 0), r.getDouble("deliveriesPerSec"), r.getDouble("p50ms"),
            r.getDouble("p99ms"), r.getDouble("p999ms"), r.containsKey("slowConsumerCloses") ? r.getLong("slowConsumerCloses") : "–",
            r.getLong("gaps"), rss));
      }
    }
    return md.toString();
  }

  private static List<JsonObject> of(List<JsonObject> results, String scenario) {
    return results.stream().filter(r -> scenario.equals(r.getString("scenario"))).toList();
  }

  private static void sweepRows(StringBuilder md, List<JsonObject> results, Predicate<String> scenario) {
    for (JsonObject r : results) {
      String name = r.getString("scenario", "");
      if (r.containsKey("deliveriesPerSec") && scenario.test(name) && !name.endsWith("warmup")) {
        String label = name + (r.containsKey("fractionOfSaturation")
            ? " @" + Math.round(r.getDouble("fractionOfSaturation") * 100) + "%" : "");
        md.append(String.format("| %s | %s | %s | %.1f | %,.0f (%,.0f) | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %d | %s | %s |%n",
            r.getString("target"), label, members(r), r.getDouble("offeredSendRate"),
            r.getDouble("deliveriesPerSec"), r.getDouble("expectedDeliveriesPerSec"), r.getDouble("p50ms"), r.getDouble("p95ms"),
            r.getDouble("p99ms"), r.getDouble("p999ms"), r.getDouble("maxMs"), r.getLong("errors"), r.getLong("gaps"),
            r.getValue("cpuMicrosPerDelivery"), r.getBoolean("saturated") ? "yes" : "no"));
      }
    }
  }

  private static String members(JsonObject r) {
    double fanout = r.getDouble("fanout", r.getInteger("members").doubleValue());
    return fanout == Math.rint(fanout) ? String.format("%,d", (long) fanout) : String.valueOf(fanout);
  }

  /** One row per fan-out and offered rate at which both targets were unsaturated. */
  private static void ratioRows(StringBuilder md, List<JsonObject> results, String scenario) {
    Map<String, JsonObject> control = new LinkedHashMap<>();
    for (JsonObject r : results) {
      if ("control".equals(r.getString("target")) && scenario.equals(r.getString("scenario")) && !r.getBoolean("saturated")) {
        control.put(members(r) + "@" + r.getDouble("offeredSendRate"), r);
      }
    }
    for (JsonObject r : results) {
      if ("switchboard".equals(r.getString("target")) && scenario.equals(r.getString("scenario")) && !r.getBoolean("saturated")) {
        JsonObject c = control.get(members(r) + "@" + r.getDouble("offeredSendRate"));
        if (c != null) {
          double sb = r.getDouble("cpuMicrosPerDelivery");
          double ctl = c.getDouble("cpuMicrosPerDelivery");
          Double sbNet = r.getDouble("cpuMicrosPerDeliveryNet");
          Double ctlNet = c.getDouble("cpuMicrosPerDeliveryNet");
          boolean net = sbNet != null && ctlNet != null && ctlNet > 0;
          md.append(String.format("| %s | %s | %,d | %.1f | %.1f (%s) | %.1f (%s) | %.2f | %s |%n", scenario.replace("-sweep", ""),
              members(r), r.getInteger("connections"), r.getDouble("offeredSendRate"), sb, net ? String.format("%.1f", sbNet) : "–",
              ctl, net ? String.format("%.1f", ctlNet) : "–", sb / ctl, net ? String.format("%.2f", sbNet / ctlNet) : "–"));
        }
      }
    }
  }
}
