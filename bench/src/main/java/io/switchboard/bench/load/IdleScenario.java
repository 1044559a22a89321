package io.switchboard.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.switchboard.bench.load.Numbers.round;

/**
 * {@code idle} (issue 4, scenario 6): memory per idle connection (hello and one joined room) on
 * the process {@code --measure} of {@code --pids}, for each of {@code --counts}. The connections
 * are held by child {@link HoldScenario hold} processes of at most {@code --per-process}
 * connections each, with their own source addresses (127.0.0.11, .12, ...), so that 19,000
 * connections stay under the per-process file-descriptor limit and the ephemeral port range. At
 * the largest count it also reports which classes the connections' heap went to.
 */
final class IdleScenario implements Scenario {

  /** Classes reported per connection, the largest growth first. */
  private static final int TOP_CLASSES = 15;

  @Override
  public void run(ScenarioContext context) throws Exception {
    Map<String, Long> pids = context.target().pids();
    String name = context.args().string("measure", pids.keySet().iterator().next());
    long pid = pids.get(name);
    int perProcess = context.args().integer("per-process", 9_500);
    List<Integer> counts = Arrays.stream(context.args().string("counts", "5000,10000").split(","))
        .map(c -> Integer.parseInt(c.trim())).toList();
    for (int count : counts) {
      // At the largest count, also a class histogram: which objects the connections cost.
      boolean histogram = count == counts.stream().mapToInt(c -> c).max().orElse(0);
      int openBefore = ProcStats.openFiles(pid);
      long rssBefore = ProcStats.statusKiB(pid, "VmRSS");
      long heapBefore = ProcStats.heapAfterGcKiB(pid);
      Map<String, long[]> classesBefore = histogram ? ProcStats.classHistogram(pid) : Map.of();
      String room = "idle-lobby-" + context.freshId();
      List<Integer> shares = holderShares(count, perProcess);
      int holders = shares.size();
      List<Process> children = new ArrayList<>();
      List<Path> ready = new ArrayList<>();
      long t0 = System.nanoTime();
      try {
        for (int k = 0; k < holders; k++) {
          Path file = Files.createTempFile("loadgen-hold", ".json");
          Files.delete(file);
          ready.add(file);
          children.add(startHolder(context, shares.get(k), room, "127.0.0." + (11 + k), file, name, pid));
        }
        long closes = 0;
        for (int k = 0; k < holders; k++) {
          closes += awaitHeld(children.get(k), ready.get(k)).getLong("closes");
        }
        double connectSeconds = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(3000);
        long heapAfter = ProcStats.heapAfterGcKiB(pid);
        long rssAfter = ProcStats.statusKiB(pid, "VmRSS");
        JsonArray byClass = histogram ? heapByClass(classesBefore, ProcStats.classHistogram(pid), count) : null;
        context.emit(new JsonObject().put("scenario", "idle").put("target", context.target().name()).put("process", name)
            .put("connections", count)
            .put("generatorProcesses", holders).put("connectSeconds", round(connectSeconds))
            .put("rssGrowthKiB", rssAfter - rssBefore).put("heapGrowthKiB", heapAfter - heapBefore)
            .put("bytesPerConnectionRss", (rssAfter - rssBefore) * 1024 / count)
            .put("bytesPerConnectionHeap", (heapAfter - heapBefore) * 1024 / count)
            .put("closes", closes).put("heapByClass", byClass));
      } finally {
        children.forEach(Process::destroy);
        for (Process c : children) {
          c.waitFor(30, TimeUnit.SECONDS);
        }
        for (Path f : ready) {
          Files.deleteIfExists(f);
        }
        // The next step's baseline must not include these sockets: wait until the server closed them.
        long deadline = System.currentTimeMillis() + 60_000;
        while (ProcStats.openFiles(pid) > openBefore + 50 && System.currentTimeMillis() < deadline) {
          Thread.sleep(200);
        }
      }
    }
  }

  /** How many connections each holder process takes: as few processes as allow at most {@code perProcess} each, evenly. */
  static List<Integer> holderShares(int count, int perProcess) {
    int holders = (count + perProcess - 1) / perProcess;
    List<Integer> shares = new ArrayList<>();
    for (int k = 0; k < holders; k++) {
      shares.add(count / holders + (k < count % holders ? 1 : 0));
    }
    return shares;
  }

  /** A child {@code LoadGen --scenario hold} holding {@code count} connections from {@code localAddress}. */
  private static Process startHolder(ScenarioContext context, int count, String room, String localAddress, Path ready,
                                     String name, long pid) throws Exception {
    return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), LoadGen.class.getName(), "--scenario", "hold",
        "--count", String.valueOf(count), "--room", room, "--urls", context.urls().get(0), "--local-address", localAddress,
        "--ready", ready.toString(), "--max-seconds", "600", "--pids", name + "=" + pid)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** The classes whose live bytes grew most, per connection, between two histograms. */
  static JsonArray heapByClass(Map<String, long[]> before, Map<String, long[]> after, int count) {
    JsonArray top = new JsonArray();
    after.entrySet().stream()
        .map(e -> {
          long[] b = before.getOrDefault(e.getKey(), new long[2]);
          return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
        })
        .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
        .limit(TOP_CLASSES)
        .forEach(e -> top.add(new JsonObject().put("class", e.getKey())
            .put("bytesPerConnection", round(e.getValue()[1] / (double) count))
            .put("instancesPerConnection", round(e.getValue()[0] / (double) count))));
    return top;
  }

  /** Polls (from the main thread) for the holder's ready file, at most 5 minutes; fails if the holder died. */
  private static JsonObject awaitHeld(Process child, Path ready) throws Exception {
    long deadline = System.currentTimeMillis() + 300_000;
    while (!Files.exists(ready)) {
      if (!child.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("hold process failed to connect (exit " + (child.isAlive() ? "none" : child.exitValue()) + ")");
      }
      Thread.sleep(200);
    }
    return new JsonObject(Files.readString(ready));
  }
}
