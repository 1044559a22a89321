package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/**
 * Turns the JSON lines the benchmarks wrote into Markdown tables and puts them into
 * docs/benchmarks.md between {@code <!-- results:NAME:begin -->} and {@code <!-- results:NAME:end -->},
 * so the published numbers are the tool's output, not typed by hand.
 *
 * <pre>java -cp bench/target/bench.jar io.switchboard.bench.BenchReport results.jsonl docs/benchmarks.md history</pre>
 */
public final class BenchReport {

  private BenchReport() {
  }

  public static void main(String[] args) throws Exception {
    Sections.replace(Path.of(args[1]), args[2], tables(Sections.readResults(Path.of(args[0]))));
  }

  static String tables(List<JsonObject> results) {
    StringBuilder md = new StringBuilder();
    md.append("\n**Durable acks through the sequencer into the store (no network)**\n\n")
        .append("| store | rooms | concurrent senders | outstanding per sender | acked msg/s | ack p50 ms | ack p99 ms |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : results) {
      if ("store".equals(r.getString("bench"))) {
        md.append(String.format("| %s | %d | %d | %d | %,d | %.1f | %.1f |%n", r.getString("store"), r.getInteger("rooms"),
            r.getInteger("senders"), r.getInteger("window"), r.getLong("ackedPerSecond"), r.getDouble("ackP50ms"),
            r.getDouble("ackP99ms")));
      }
    }
    md.append("\n**End to end over WebSockets, local cluster of 6 JVMs (warmed up)**\n\n")
        .append("| history store | senders (own room each) | outstanding per sender | acked msg/s | ack p50 ms | ack p99 ms |\n")
        .append("|---|---:|---:|---:|---:|---:|\n");
    for (JsonObject r : results) {
      if ("e2e-send".equals(r.getString("bench"))) {
        md.append(String.format("| %s | %d | %d | %,d | %.1f | %.1f |%n", r.getString("store", "?"), r.getInteger("senders"),
            r.getInteger("window"), r.getLong("ackedPerSecond"), r.getDouble("ackP50ms"), r.getDouble("ackP99ms")));
      }
    }
    md.append("\n**Replay of missed messages to a client rejoining with `since` (join frame to `recovered` marker)**\n\n")
        .append("| history store | missed messages | runs | median ms | max ms | every run (ms) |\n")
        .append("|---|---:|---:|---:|---:|---|\n");
    for (JsonObject r : results) {
      if ("replay".equals(r.getString("bench"))) {
        md.append(String.format("| %s | %,d | %d | %.1f | %.1f | %s |%n", r.getString("store", "?"), r.getInteger("missed"),
            r.getInteger("runs"), r.getDouble("medianMs"), r.getDouble("maxMs"), r.getJsonArray("allMs").encode()));
      }
    }
    return md.toString();
  }
}
