package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * Markdown for the security benchmarks (bench/run-security-bench.sh), written into
 * docs/benchmarks.md between {@code <!-- results:security:begin -->} and
 * {@code <!-- results:security:end -->}.
 */
public final class SecurityReport {

  private SecurityReport() {
  }

  public static void main(String[] args) throws Exception {
    Sections.replace(Path.of(args[1]), args[2], tables(Sections.readResults(Path.of(args[0]))));
  }

  static String tables(List<JsonObject> results) {
    StringBuilder md = new StringBuilder();
    md.append("\n**Compression: 1 room, 1,000 subscribers, 20 msg/s, 20 s, with clients that offer `permessage-deflate;"
        + " client_max_window_bits` (as browsers do) and clients that offer nothing; the control in the same run**\n\n")
        .append("| target | clients offer deflate | deliveries/s | p50 ms | p99 ms | max ms | CPU µs per delivery | net of idle |\n")
        .append("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : results) {
      if ("steady".equals(r.getString("scenario"))) {
        md.append(String.format("| %s | %s | %,.0f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", r.getString("target"),
            r.getBoolean("offerDeflate") ? "yes" : "no", r.getDouble("deliveriesPerSec"), r.getDouble("p50ms"),
            r.getDouble("p99ms"), r.getDouble("maxMs"), r.getDouble("cpuMicrosPerDelivery"),
            r.getDouble("cpuMicrosPerDeliveryNet")));
      }
    }
    md.append("\n**Flood: a victim sends 10 msg/s and times its acks; then a new connection every 250 ms (80 in all) sends"
        + " 2,000 messages as fast as it can, on the victim's gateway, with the default limits**\n\n")
        .append("| phase | acks | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|---:|\n");
    for (JsonObject r : results) {
      if ("flood".equals(r.getString("scenario"))) {
        for (String phase : List.of("baseline", "during", "after")) {
          JsonObject p = r.getJsonObject(phase);
          md.append(String.format("| %s | %,d | %.1f | %.1f | %.1f |%n", phase, p.getLong("acks"), p.getDouble("p50ms"),
              p.getDouble("p99ms"), p.getDouble("maxMs")));
        }
        md.append(String.format("%nVictim p99 during the floods ÷ before: **%.2f** (target ≤ 2). %,d flood frames written;"
                + " the flooders got %,d acks and %,d `rate_limited` errors; closes by code: %s.%n",
            r.getDouble("p99Ratio"), r.getLong("framesWritten"), r.getLong("floodAcks"), r.getLong("floodRateLimited"),
            r.getJsonObject("floodCloses").encode()));
      }
    }
    md.append("\n**Fuzz: fuzzed frames over real sockets to both gateways, each connection under the default frame rate,"
        + " reconnecting when closed, while a raw-socket client abuses the WebSocket layer**\n\n")
        .append("| frames | connections | seconds | frames/s | replies | `internal` | ERROR log lines | blocked-thread warnings"
            + " | rooms writable afterwards | raw abuses (unexpected outcomes) |\n")
        .append("|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    for (JsonObject r : results) {
      if ("fuzz".equals(r.getString("scenario"))) {
        md.append(String.format("| %,d | %d | %.0f | %,.0f | %,d | %d | %d | %d | %d of %d | %,d (%d) |%n", r.getLong("frames"),
            r.getInteger("connections"), r.getDouble("seconds"), r.getDouble("framesPerSec"), r.getLong("replies"),
            r.getLong("internal"), r.getLong("errorLogLines"), r.getLong("blockedThreadWarnings"), r.getInteger("roomsWritable"),
            r.getInteger("roomsChecked"), r.getLong("rawAbuses"), r.getLong("rawUnexpected")));
        md.append("\nReplies by type: ").append(r.getJsonObject("repliesByType").encode())
            .append(".\nErrors by code: ").append(r.getJsonObject("errorsByCode").encode())
            .append(".\nCloses by code: ").append(r.getJsonObject("closesByCode").encode())
            .append(".\nRaw abuses: ").append(r.getJsonObject("rawOutcomes").encode()).append(".\n");
      }
    }
    return md.toString();
  }
}
