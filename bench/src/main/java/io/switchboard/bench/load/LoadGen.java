package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The load generator: speaks the documented protocol over real WebSockets to a Switchboard
 * cluster or to the control server, runs one scenario, and writes one JSON line per measured
 * phase. Every run is bounded by {@code --max-seconds}.
 *
 * <pre>
 * java -cp bench/target/bench.jar io.switchboard.bench.load.LoadGen --target switchboard --scenario fanout
 * java -cp bench/target/bench.jar io.switchboard.bench.load.LoadGen --target control --urls ws://127.0.0.1:8090/ws/v1 --pids control=1234 --scenario fanout
 * </pre>
 *
 * Scenarios: {@code smoke}, {@code fanout} (1 room, 10/100/1000/5000 subscribers, publish-rate
 * sweep to saturation, then latency at 25/50/75% of it), {@code cross} (publisher and subscribers
 * on different gateways), {@code idle} (memory per idle connection on the first gateway),
 * {@code slow} (1% of subscribers stop reading).
 */
public final class LoadGen {

  private static final Logger log = LoggerFactory.getLogger(LoadGen.class);

  private final Args args;
  private final String target;
  private final List<String> urls;
  private final Map<String, Long> pids;
  private final Path out;
  private final Vertx vertx;
  private final WebSocketClient client;

  private LoadGen(Args args) throws Exception {
    this.args = args;
    this.target = args.string("target", "switchboard");
    this.urls = Arrays.asList(args.string("urls", "ws://127.0.0.1:8080/ws/v1,ws://127.0.0.1:8081/ws/v1").split(","));
    this.pids = pids(args);
    this.out = Path.of(args.string("out", "/dev/stdout"));
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000)
        .setConnectTimeout(30_000).setMaxFrameSize(1 << 20));
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    int maxSeconds = args.integer("max-seconds", 900);
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(maxSeconds * 1000L);
        log.error("run exceeded --max-seconds {}; stopping", maxSeconds);
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException done) {
        // finished in time
      }
    }, "loadgen-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    LoadGen gen = new LoadGen(args);
    try {
      switch (args.string("scenario", "smoke")) {
        case "smoke" -> gen.smoke();
        case "fanout" -> gen.fanout();
        case "cross" -> gen.cross();
        case "idle" -> gen.idle();
        case "slow" -> gen.slow();
        default -> throw new IllegalArgumentException("--scenario smoke|fanout|cross|idle|slow");
      }
    } finally {
      watchdog.interrupt();
      gen.vertx.close().await();
    }
  }

  /** A few seconds with small numbers: proves the generator still speaks the protocol. */
  private void smoke() throws Exception {
    Population pop = new Population(vertx, client);
    String room = "smoke-" + UUID.randomUUID().toString().substring(0, 8);
    pop.add("smoke-sub", room, 5, urls, false, 0);
    pop.add("smoke-pub", room, 1, urls.subList(0, 1), true, 0);
    JsonObject r = measure(pop, "smoke", 20, 1, 2, 6);
    pop.closeAll();
    emit(r);
  }

  private void fanout() throws Exception {
    for (String size : args.string("sizes", "10,100,1000,5000").split(",")) {
      int subscribers = Integer.parseInt(size.trim());
      Population pop = new Population(vertx, client);
      String room = "fanout-" + subscribers + "-" + UUID.randomUUID().toString().substring(0, 6);
      pop.add("sub" + subscribers, room, subscribers, urls.subList(0, 1), false, 0);
      pop.add("pub" + subscribers, room, 1, urls.subList(0, 1), true, 0);
      sweep(pop, "fanout", subscribers + 1);
      pop.closeAll();
      Thread.sleep(1000);
    }
  }

  private void cross() throws Exception {
    int subscribers = args.integer("subscribers", 100);
    if (urls.size() < 2) {
      throw new IllegalArgumentException("cross needs two gateway urls");
    }
    Population pop = new Population(vertx, client);
    String room = "cross-" + UUID.randomUUID().toString().substring(0, 6);
    pop.add("xsub", room, subscribers, urls.subList(1, 2), false, 0);
    pop.add("xpub", room, 1, urls.subList(0, 1), true, 0);
    sweep(pop, "cross-gateway", subscribers + 1);
    pop.closeAll();
  }

  /**
   * Slow consumers: {@code subscribers} in one room, {@code slow-percent}% of which stop reading
   * after they join, at a fixed publish rate. Reports the latency the others see, how many slow
   * consumers the server disconnected, and the servers' peak memory.
   */
  private void slow() throws Exception {
    int subscribers = args.integer("subscribers", 1000);
    double slowFraction = args.integer("slow-percent", 1) / 100.0;
    Population pop = new Population(vertx, client);
    String room = "slow-" + UUID.randomUUID().toString().substring(0, 6);
    pop.add("slowsub", room, subscribers, urls.subList(0, 1), false, slowFraction);
    pop.add("slowpub", room, 1, urls.subList(0, 1), true, 0);
    double rate = args.integer("rate", 32);
    measure(pop, "slow-consumers-warmup", rate, 0, args.integer("warmup", 5), subscribers + 1);
    long closesBefore = pop.closes.sum();
    JsonObject r = measure(pop, "slow-consumers", rate, 0, args.integer("seconds", 30), subscribers + 1);
    emit(r.put("slowConsumers", pop.slowCount()).put("disconnectedDuringRun", pop.closes.sum() - closesBefore)
        .put("disconnectedTotal", pop.closes.sum()));
    pop.closeAll();
  }

  /** Memory per idle connection (hello + one joined room) on the first gateway. */
  private void idle() throws Exception {
    String name = args.string("measure", pids.keySet().iterator().next());
    long pid = pids.get(name);
    for (String size : args.string("counts", "5000,10000").split(",")) {
      int count = Integer.parseInt(size.trim());
      Thread.sleep(2000);
      long rssBefore = ProcStats.statusKiB(pid, "VmRSS");
      long heapBefore = ProcStats.heapAfterGcKiB(pid);
      Population pop = new Population(vertx, client);
      long t0 = System.nanoTime();
      pop.add("idle" + count, "idle-lobby-" + UUID.randomUUID().toString().substring(0, 6), count, urls.subList(0, 1), false, 0);
      double connectSeconds = (System.nanoTime() - t0) / 1e9;
      Thread.sleep(3000);
      long heapAfter = ProcStats.heapAfterGcKiB(pid);
      long rssAfter = ProcStats.statusKiB(pid, "VmRSS");
      emit(new JsonObject().put("scenario", "idle").put("target", target).put("process", name).put("connections", count)
          .put("connectSeconds", round(connectSeconds)).put("rssGrowthKiB", rssAfter - rssBefore)
          .put("heapGrowthKiB", heapAfter - heapBefore)
          .put("bytesPerConnectionRss", (rssAfter - rssBefore) * 1024 / count)
          .put("bytesPerConnectionHeap", (heapAfter - heapBefore) * 1024 / count)
          .put("closes", pop.closes.sum()));
      pop.closeAll();
    }
  }

  /**
   * Doubles the publish rate until the target saturates (deliveries fall below 90% of what the
   * rate should produce, p99 passes 500 ms as queues grow, or errors pass 1% of sends), then
   * measures latency at 25, 50 and 75% of the last unsaturated rate.
   */
  private void sweep(Population pop, String scenario, int members) throws Exception {
    int seconds = args.integer("seconds", 5);
    measure(pop, scenario + "-warmup", 2000.0 / members, 0, args.integer("warmup", 8), members);
    double rate = Math.max(1, args.integer("start-deliveries", 4000) / (double) members);
    double best = 0;
    for (int step = 0; step < args.integer("max-steps", 9); step++) {
      JsonObject r = measure(pop, scenario + "-sweep", rate, 2, seconds, members);
      emit(r);
      if (r.getBoolean("saturated")) {
        break;
      }
      best = rate;
      rate *= 2;
    }
    if (best == 0) {
      return;
    }
    for (double fraction : new double[] {0.25, 0.5, 0.75}) {
      JsonObject r = measure(pop, scenario + "-latency", best * fraction, 2, seconds, members);
      emit(r.put("fractionOfSaturation", fraction).put("saturationSendRate", round(best)));
    }
  }

  /** Publishes at {@code rate} for warm-up plus {@code seconds}, measuring only the latter. */
  private JsonObject measure(Population pop, String label, double rate, int warmup, int seconds, int members)
      throws Exception {
    pop.publish(rate);
    Thread.sleep(warmup * 1000L);
    pop.reset();
    double cpu0 = ProcStats.cpuSeconds(pids);
    long t0 = System.nanoTime();
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      System.err.printf("  %s %.1f msg/s x %d members: %,d deliveries, %,d acks, %d errors so far%n",
          label, rate, members, pop.deliveries.sum(), pop.acks.sum(), pop.errors.sum());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double cpu = ProcStats.cpuSeconds(pids) - cpu0;
    Histogram h = pop.latencySnapshot();
    long deliveries = pop.deliveries.sum();
    long sends = pop.sends.sum();
    pop.publish(0);
    awaitQuiet(pop);
    double expected = rate * members;
    double achieved = deliveries / elapsed;
    boolean saturated = achieved < 0.9 * expected || h.getValueAtPercentile(99) > 500_000
        || pop.errors.sum() > 0.01 * Math.max(1, sends);
    return new JsonObject().put("scenario", label).put("target", target).put("members", members)
        .put("connections", pop.connections()).put("offeredSendRate", round(rate)).put("achievedSendRate", round(pop.acks.sum() / elapsed))
        .put("expectedDeliveriesPerSec", round(expected)).put("deliveriesPerSec", round(achieved))
        .put("p50ms", ms(h, 50)).put("p95ms", ms(h, 95)).put("p99ms", ms(h, 99)).put("p999ms", ms(h, 99.9))
        .put("maxMs", round(h.getMaxValue() / 1000.0)).put("errors", pop.errors.sum()).put("gaps", pop.gaps.sum())
        .put("cpuSeconds", round(cpu)).put("cpuMicrosPerDelivery", deliveries == 0 ? null : round(cpu * 1e6 / deliveries))
        .put("peakRssKiB", new JsonObject(new LinkedHashMap<>(ProcStats.peakRssKiB(pids))))
        .put("saturated", saturated);
  }

  /**
   * Waits until deliveries stop (a saturated step leaves a backlog in the server that would
   * otherwise pour into the next phase's window), for at most 90 seconds.
   */
  private static void awaitQuiet(Population pop) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    long last = -1;
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      long now = pop.deliveries.sum();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  private void emit(JsonObject result) throws Exception {
    log.info("result {}", result.encode());
    Files.writeString(out, result.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** {@code --pids name=pid,...}, or every {@code <name>.pid} file in {@code --run-dir} (default .run). */
  private static Map<String, Long> pids(Args args) throws Exception {
    Map<String, Long> pids = new LinkedHashMap<>();
    String given = args.string("pids", "");
    if (!given.isBlank()) {
      for (String entry : given.split(",")) {
        String[] kv = entry.split("=");
        pids.put(kv[0], Long.parseLong(kv[1]));
      }
      return pids;
    }
    Path dir = Path.of(args.string("run-dir", ".run"));
    List<Path> files = new ArrayList<>();
    try (var list = Files.list(dir)) {
      list.filter(p -> p.toString().endsWith(".pid")).sorted().forEach(files::add);
    }
    for (Path p : files) {
      pids.put(p.getFileName().toString().replace(".pid", ""), Long.parseLong(Files.readString(p).trim()));
    }
    if (pids.isEmpty()) {
      throw new IllegalArgumentException("no server processes: give --pids or start ./switchboard");
    }
    return pids;
  }

  private static double ms(Histogram h, double percentile) {
    return round(h.getValueAtPercentile(percentile) / 1000.0);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
