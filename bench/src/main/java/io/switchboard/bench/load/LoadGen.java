package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import io.switchboard.bench.Replay;
import io.switchboard.bench.Watchdog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
 * Scenarios (issue 4's numbering):
 * <ol>
 *   <li>{@code fanout}: 1 room, 10/100/1000/5000 subscribers, publish-rate sweep to saturation,
 *       then latency at 25/50/75% of it;</li>
 *   <li>{@code rooms}: 10,000 connections, each in a personal room and a room of 10, every
 *       connection publishing, alternately into each;</li>
 *   <li>{@code cross}: publisher and subscribers on different gateways;</li>
 *   <li>{@code storm}: 10,000 connections at once, then (with {@code --kill NAME}) a gateway is
 *       killed under live traffic and its clients reconnect to the others and resume with
 *       {@code since}: time until every one has resumed, and proof that none missed a message;</li>
 *   <li>{@code replay}: rejoin with 50/500/5,000 missed messages, alone and during live load;</li>
 *   <li>{@code idle}: memory per idle connection on one gateway (connections held by child
 *       {@code hold} processes, each under the file-descriptor limit);</li>
 *   <li>{@code slow}: 1% of subscribers stop reading; the others' latency before and after, the
 *       4001 disconnects, the servers' peak memory.</li>
 * </ol>
 * {@code smoke} is a few seconds with small numbers, run by the test suite. {@code steady} is one
 * room at a fixed rate (the compression comparison of bench/run-security-bench.sh). Clients offer
 * {@code permessage-deflate} as browsers do, unless {@code --offer-deflate false}.
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
  /** The servers' CPU seconds per second with no traffic, once measured (negative until then). */
  private double idleCpuPerSecond = -1;

  private LoadGen(Args args) throws Exception {
    this.args = args;
    this.target = args.string("target", "switchboard");
    this.urls = Arrays.asList(args.string("urls", "ws://127.0.0.1:8080/ws/v1,ws://127.0.0.1:8081/ws/v1").split(","));
    this.pids = pids(args);
    this.out = Path.of(args.string("out", "/dev/stdout"));
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.client = vertx.createWebSocketClient(browserLike(args).setMaxConnections(100_000)
        .setConnectTimeout(30_000).setMaxFrameSize(1 << 20));
  }

  /**
   * Client options that offer what browsers offer: {@code permessage-deflate} with
   * {@code client_max_window_bits} ({@code --offer-deflate false} to offer nothing), so the
   * benchmarks measure what a browser would get from the server.
   */
  public static WebSocketClientOptions browserLike(Args args) {
    return new WebSocketClientOptions().setTryUsePerMessageCompression(args.bool("offer-deflate", true));
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    int maxSeconds = args.integer("max-seconds", 900);
    Thread watchdog = Watchdog.start(maxSeconds);
    LoadGen gen = new LoadGen(args);
    try {
      switch (args.string("scenario", "smoke")) {
        case "smoke" -> gen.smoke();
        case "warmup" -> gen.warmup();
        case "fanout" -> gen.fanout();
        case "rooms" -> gen.rooms();
        case "cross" -> gen.cross();
        case "storm" -> gen.storm();
        case "replay" -> gen.replay();
        case "idle" -> gen.idle();
        case "hold" -> gen.hold(maxSeconds);
        case "slow" -> gen.slow();
        case "steady" -> gen.steady();
        default -> throw new IllegalArgumentException(
            "--scenario smoke|warmup|fanout|rooms|cross|storm|replay|idle|hold|slow|steady");
      }
    } finally {
      watchdog.interrupt();
      gen.vertx.close().await();
    }
  }

  /**
   * A few seconds with small numbers: proves the generator still speaks the protocol. Members
   * are in two rooms each and publish into both, so the multi-room path is exercised too.
   */
  private void smoke() throws Exception {
    Population pop = new Population(vertx, client);
    String run = shortId();
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      peers.add(pop.peer("smoke-" + i, List.of("smoke-" + run, "smoke-" + run + "-own-" + i), false));
    }
    pop.connect(peers, urls, 6);
    pop.enlist(peers, true);
    JsonObject r = measure(pop, "smoke", 2, 1, 2, 3.5);
    pop.closeAll();
    emit(r);
  }

  /**
   * No results: traffic for {@code seconds} that JIT-compiles the servers' message paths before
   * anything is measured (seven JVMs compiling on two cores would otherwise be measured as cost).
   * Small rooms over both gateways, then one room of 1,000.
   */
  private void warmup() throws Exception {
    int seconds = args.integer("seconds", 90);
    String run = shortId();
    Population small = new Population(vertx, client);
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      peers.add(small.peer("w" + i + "-" + run, List.of("warm-" + run + "-" + i / 10, "warm-" + run + "-own-" + i), false));
    }
    small.connect(peers, urls, 256);
    small.enlist(peers, true);
    small.publish(1.5);
    progress(small, "warm-up, small rooms", seconds * 2 / 3);
    small.closeAll();
    Population big = new Population(vertx, client);
    String room = "warm-" + run + "-big";
    big.add("wsub", room, 1000, urls.subList(0, 1), false, 0);
    big.add("wpub", room, 1, urls.subList(0, 1), true, 0);
    big.publish(20);
    progress(big, "warm-up, one room of 1,000", seconds / 3);
    big.closeAll();
    awaitQuiet(big);
  }

  private static void progress(Population pop, String label, int seconds) throws InterruptedException {
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      System.err.printf("  %s: %,d deliveries, %,d acks, %d errors so far%n", label, pop.deliveries.sum(), pop.acks.sum(),
          pop.errors.sum());
    }
    pop.publish(0);
  }

  /**
   * One room of {@code --subscribers} and one publisher at a fixed {@code --rate} for
   * {@code --seconds}: the cost of a delivery as a browser-like client (or, with
   * {@code --offer-deflate false}, a client that offers no compression) meets it.
   */
  private void steady() throws Exception {
    int subscribers = args.integer("subscribers", 1000);
    Population pop = new Population(vertx, client);
    String room = "steady-" + subscribers + "-" + shortId();
    pop.add("ssub", room, subscribers, urls.subList(0, 1), false, 0);
    pop.add("spub", room, 1, urls.subList(0, 1), true, 0);
    measureIdleCpu();
    JsonObject r = measure(pop, "steady", args.integer("rate", 20), 3, args.integer("seconds", 20), subscribers + 1);
    emit(r.put("offerDeflate", args.bool("offer-deflate", true)));
    pop.closeAll();
  }

  private void fanout() throws Exception {
    for (String size : args.string("sizes", "10,100,1000,5000").split(",")) {
      int subscribers = Integer.parseInt(size.trim());
      Population pop = new Population(vertx, client);
      String room = "fanout-" + subscribers + "-" + shortId();
      pop.add("sub" + subscribers, room, subscribers, urls.subList(0, 1), false, 0);
      pop.add("pub" + subscribers, room, 1, urls.subList(0, 1), true, 0);
      sweep(pop, "fanout", subscribers + 1);
      pop.closeAll();
      Thread.sleep(1000);
    }
  }

  /**
   * Many small rooms: every connection is in its own personal room and in a room of
   * {@code group}, spread over the gateways, and publishes alternately into each (one delivery,
   * then {@code group}). The sweep is over the aggregate publish rate.
   */
  private void rooms() throws Exception {
    int connections = args.integer("connections", 10_000);
    int group = args.integer("group", 10);
    String run = shortId();
    Population pop = new Population(vertx, client);
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      peers.add(pop.peer("u" + i + "-" + run, List.of("g-" + run + "-" + i / group, "p-" + run + "-" + i), false));
    }
    long t0 = System.nanoTime();
    pop.connect(peers, urls, 512);
    log.info("{} connections joined {} rooms in {} s ({} failed)", connections, connections + (connections + group - 1) / group,
        round((System.nanoTime() - t0) / 1e9), pop.connectFailures.sum());
    pop.enlist(peers, true);
    sweep(pop, "rooms", (group + 1) / 2.0);
    pop.closeAll();
  }

  private void cross() throws Exception {
    int subscribers = args.integer("subscribers", 100);
    if (urls.size() < 2) {
      throw new IllegalArgumentException("cross needs two gateway urls");
    }
    Population pop = new Population(vertx, client);
    String room = "cross-" + shortId();
    pop.add("xsub", room, subscribers, urls.subList(1, 2), false, 0);
    pop.add("xpub", room, 1, urls.subList(0, 1), true, 0);
    sweep(pop, "cross-gateway", subscribers + 1);
    pop.closeAll();
  }

  /**
   * Connection storm, then reconnect storm. {@code connections} clients (rooms of 10, spread over
   * the gateways) connect with {@code concurrency} handshakes in flight. Then, with
   * {@code --kill NAME} (a process in {@code --pids}), one member per room publishes from the first
   * gateway while that process is killed with SIGKILL: its clients reconnect to the next gateway
   * with full-jitter backoff and rejoin with {@code since}. Reported: time until every dropped
   * client has resumed (every room's {@code recovered: true}), and, once traffic has stopped,
   * whether every member of every room holds exactly the room's last seq.
   */
  private void storm() throws Exception {
    int connections = args.integer("connections", 10_000);
    int concurrency = args.integer("concurrency", 1000);
    int group = args.integer("group", 10);
    String kill = args.string("kill", "");
    String run = shortId();
    Population pop = new Population(vertx, client).reconnecting(urls);
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      peers.add(pop.peer("s" + i + "-" + run, List.of("storm-" + run + "-" + i / group), false));
    }
    long t0 = System.nanoTime();
    pop.connect(peers, urls, concurrency);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram connect = pop.connectMicros.getIntervalHistogram();
    emit(new JsonObject().put("scenario", "connect-storm").put("target", target).put("connections", connections)
        .put("concurrency", concurrency).put("seconds", round(seconds)).put("connectsPerSec", round(connections / seconds))
        .put("p50ms", ms(connect, 50)).put("p99ms", ms(connect, 99)).put("maxMs", round(connect.getMaxValue() / 1000.0))
        .put("failures", pop.connectFailures.sum()).put("peakRssKiB", new JsonObject(new LinkedHashMap<>(ProcStats.peakRssKiB(pids)))));
    if (!kill.isEmpty()) {
      reconnectStorm(pop, peers, group, kill);
    }
    pop.closeAll();
  }

  private void reconnectStorm(Population pop, List<Population.Peer> peers, int group, String kill) throws Exception {
    long pid = pids.get(kill);
    String killedUrl = urls.get(1);
    List<Population.Peer> publishers = new ArrayList<>();
    for (int i = 0; i < peers.size(); i += group) {
      if (!peers.get(i).url.equals(killedUrl)) {
        publishers.add(peers.get(i));
      }
    }
    pop.enlist(peers, false);
    pop.publishFrom(publishers);
    double aggregate = args.integer("storm-rate", 500);
    pop.publish(aggregate / publishers.size());
    Thread.sleep(5000);
    pop.reset();
    long dropped = peers.stream().filter(p -> p.url.equals(killedUrl)).count();
    long killedAt = System.nanoTime();
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    log.info("killed {} (pid {}); {} clients were connected to it", kill, pid, dropped);
    long deadline = killedAt + TimeUnit.SECONDS.toNanos(args.integer("resume-timeout", 120));
    while (pop.resumed.sum() < dropped && System.nanoTime() < deadline) {
      Thread.sleep(100);
      System.err.printf("  reconnect storm: %,d of %,d resumed, %,d attempts, %,d failed%n", pop.resumed.sum(), dropped,
          pop.reconnectAttempts.sum(), pop.connectFailures.sum());
    }
    double allResumedSeconds = (System.nanoTime() - killedAt) / 1e9;
    Thread.sleep(5000); // live traffic after the resume, still checked for gaps
    pop.publish(0);
    awaitQuiet(pop);
    Histogram resume = pop.resumeMicros.getIntervalHistogram();
    Histogram latency = pop.latencySnapshot();
    // Every member of a room must end at the room's last seq (the highest any member saw).
    Map<String, Long> head = new HashMap<>();
    peers.forEach(p -> head.merge(p.rooms[0], p.lastSeq[0], Math::max));
    long behind = peers.stream().filter(p -> p.lastSeq[0] != head.get(p.rooms[0])).count();
    emit(new JsonObject().put("scenario", "reconnect-storm").put("target", target).put("connections", peers.size())
        .put("killed", kill).put("dropped", dropped).put("resumed", pop.resumed.sum())
        .put("allResumedSeconds", round(allResumedSeconds)).put("resumeP50ms", ms(resume, 50)).put("resumeP99ms", ms(resume, 99))
        .put("resumeMaxMs", round(resume.getMaxValue() / 1000.0)).put("reconnectAttempts", pop.reconnectAttempts.sum())
        .put("offeredSendRate", aggregate).put("sends", pop.sends.sum()).put("acks", pop.acks.sum()).put("errors", pop.errors.sum())
        .put("errorsByCode", pop.errorsByCode())
        .put("deliveries", pop.deliveries.sum()).put("p99ms", ms(latency, 99)).put("maxMs", round(latency.getMaxValue() / 1000.0))
        .put("gaps", pop.gaps.sum()).put("duplicates", pop.duplicates.sum()).put("unrecovered", pop.unrecovered.sum())
        .put("membersBehind", behind));
  }

  /**
   * History replay: a client rejoins with {@code since} after 50, 500 and 5,000 missed messages,
   * timed from its join frame to the {@code recovered} marker, first on a quiet cluster and then
   * while a room of {@code live-members} receives {@code live-rate} messages per second.
   */
  private void replay() throws Exception {
    int runs = args.integer("runs", 5);
    for (String load : List.of("alone", "live")) {
      Population live = new Population(vertx, client);
      double liveRate = args.integer("live-rate", 320);
      int liveMembers = args.integer("live-members", 100);
      if (load.equals("live")) {
        String room = "replay-live-" + shortId();
        live.add("lsub", room, liveMembers, urls, false, 0);
        live.add("lpub", room, 1, urls.subList(0, 1), true, 0);
        live.publish(liveRate);
        Thread.sleep(3000);
      }
      for (String count : args.string("missed", "50,500,5000").split(",")) {
        int missed = Integer.parseInt(count.trim());
        live.reset();
        List<Double> millis = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
          millis.add(Replay.millis(client, urls, missed));
        }
        Histogram h = live.latencySnapshot();
        List<Double> sorted = millis.stream().sorted().toList();
        JsonObject result = new JsonObject().put("scenario", "replay").put("target", target).put("load", load)
            .put("missed", missed).put("runs", runs).put("medianMs", round(sorted.get(sorted.size() / 2)))
            .put("maxMs", round(sorted.get(sorted.size() - 1))).put("allMs", millis.stream().map(LoadGen::round).toList());
        if (load.equals("live")) {
          result.put("liveDeliveriesPerSec", round(liveRate * (liveMembers + 1))).put("liveP99ms", ms(h, 99))
              .put("liveGaps", live.gaps.sum()).put("liveErrors", live.errors.sum());
        }
        emit(result);
      }
      live.closeAll();
    }
  }

  /**
   * Slow consumers: {@code subscribers} in one room at a fixed publish rate with padded messages.
   * First everyone reads (the baseline); then {@code slow-percent}% of them stop reading. Reports
   * the latency the others see in both phases, how many slow consumers the server closed with
   * 4001 (counted once they read again and see the close), and the servers' peak memory.
   */
  private void slow() throws Exception {
    int subscribers = args.integer("subscribers", 500);
    double slowFraction = args.integer("slow-percent", 1) / 100.0;
    Population pop = new Population(vertx, client).padding(args.integer("pad", 2048));
    String room = "slow-" + shortId();
    pop.add("slowsub", room, subscribers, urls.subList(0, 1), false, slowFraction);
    pop.add("slowpub", room, 1, urls.subList(0, 1), true, 0);
    double rate = args.integer("rate", 64);
    int seconds = args.integer("seconds", 60);
    measure(pop, "slow-consumers-warmup", rate, 0, args.integer("warmup", 10), subscribers + 1);
    emit(measure(pop, "slow-baseline", rate, 0, Math.max(5, seconds / 3), subscribers + 1)
        .put("slowConsumers", 0).put("padBytes", args.integer("pad", 2048)));
    pop.pauseSlow();
    JsonObject r = measure(pop, "slow-consumers", rate, 0, seconds, subscribers + 1);
    pop.resumeSlow();
    Thread.sleep(3000);
    emit(r.put("slowConsumers", pop.slowCount()).put("slowConsumerCloses", pop.slowConsumerCloses.sum())
        .put("padBytes", args.integer("pad", 2048)));
    pop.closeAll();
  }

  /**
   * Memory per idle connection (hello + one joined room) on one gateway. The connections are held
   * by child {@code hold} processes of at most {@code per-process} connections each, with their
   * own source addresses (127.0.0.11, .12, ...), so that 19,000 connections stay under the
   * per-process file-descriptor limit and the ephemeral port range.
   */
  private void idle() throws Exception {
    String name = args.string("measure", pids.keySet().iterator().next());
    long pid = pids.get(name);
    int perProcess = args.integer("per-process", 9_500);
    List<Integer> counts = Arrays.stream(args.string("counts", "5000,10000").split(",")).map(c -> Integer.parseInt(c.trim())).toList();
    for (int count : counts) {
      // At the largest count, also a class histogram: which objects the connections cost.
      boolean histogram = count == counts.stream().mapToInt(c -> c).max().orElse(0);
      int openBefore = ProcStats.openFiles(pid);
      long rssBefore = ProcStats.statusKiB(pid, "VmRSS");
      long heapBefore = ProcStats.heapAfterGcKiB(pid);
      Map<String, long[]> classesBefore = histogram ? ProcStats.classHistogram(pid) : Map.of();
      String room = "idle-lobby-" + shortId();
      int holders = (count + perProcess - 1) / perProcess;
      List<Process> children = new ArrayList<>();
      List<Path> ready = new ArrayList<>();
      long t0 = System.nanoTime();
      try {
        for (int k = 0; k < holders; k++) {
          int n = count / holders + (k < count % holders ? 1 : 0);
          Path file = Files.createTempFile("loadgen-hold", ".json");
          Files.delete(file);
          ready.add(file);
          children.add(new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g",
              "-cp", System.getProperty("java.class.path"), LoadGen.class.getName(), "--scenario", "hold",
              "--count", String.valueOf(n), "--room", room, "--urls", urls.get(0), "--local-address", "127.0.0." + (11 + k),
              "--ready", file.toString(), "--max-seconds", "600", "--pids", name + "=" + pid)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start());
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
        emit(new JsonObject().put("scenario", "idle").put("target", target).put("process", name).put("connections", count)
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

  /** The classes whose live bytes grew most, per connection, between two histograms. */
  private static JsonArray heapByClass(Map<String, long[]> before, Map<String, long[]> after, int count) {
    JsonArray top = new JsonArray();
    after.entrySet().stream()
        .map(e -> {
          long[] b = before.getOrDefault(e.getKey(), new long[2]);
          return Map.entry(e.getKey(), new long[] {e.getValue()[0] - b[0], e.getValue()[1] - b[1]});
        })
        .sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]))
        .limit(15)
        .forEach(e -> top.add(new JsonObject().put("class", e.getKey())
            .put("bytesPerConnection", round(e.getValue()[1] / (double) count))
            .put("instancesPerConnection", round(e.getValue()[0] / (double) count))));
    return top;
  }

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

  /**
   * A child of {@code idle}: holds {@code count} idle connections from {@code local-address},
   * writes {@code {"held": n, "closes": c}} to the {@code ready} file, then waits to be stopped
   * (at most {@code --max-seconds}).
   */
  private void hold(int maxSeconds) throws Exception {
    WebSocketClient local = vertx.createWebSocketClient(browserLike(args).setMaxConnections(100_000)
        .setConnectTimeout(30_000).setLocalAddress(args.string("local-address", "127.0.0.1")));
    Population pop = new Population(vertx, local);
    int count = args.integer("count", 1000);
    pop.add("hold-" + shortId(), args.string("room", "idle-lobby"), count, urls.subList(0, 1), false, 0);
    Path ready = Path.of(args.string("ready", "/dev/null"));
    Path partial = Path.of(ready + ".partial");
    Files.writeString(partial, new JsonObject().put("held", count - pop.connectFailures.sum()).put("closes", pop.closes.sum()).encode());
    Files.move(partial, ready, StandardCopyOption.ATOMIC_MOVE);
    new CountDownLatch(1).await(maxSeconds, TimeUnit.SECONDS);
  }

  /**
   * Doubles the offered delivery rate, from {@code start-deliveries} per second, until the target
   * saturates (deliveries fall below 90% of what the rate should produce, p99 passes 500 ms as
   * queues grow, or errors pass 1% of sends), then measures latency at 25, 50 and 75% of the last
   * unsaturated rate. {@code fanout} is the mean number of deliveries per message.
   */
  private void sweep(Population pop, String scenario, double fanout) throws Exception {
    int seconds = args.integer("seconds", 5);
    double perPublisher = fanout * pop.publisherCount();
    measure(pop, scenario + "-warmup", 2000.0 / perPublisher, 0, args.integer("warmup", 8), fanout);
    measureIdleCpu();
    double rate = args.integer("start-deliveries", 4000) / perPublisher;
    double best = 0;
    for (int step = 0; step < args.integer("max-steps", 9); step++) {
      JsonObject r = measure(pop, scenario + "-sweep", rate, 2, seconds, fanout);
      if (r.getBoolean("saturated") && best > 0) {
        // The overloaded step leaves queues and open circuit breakers behind: latency is measured
        // only once the system serves a light load cleanly again, and how long that took is reported.
        r.put("recoverySeconds", awaitRecovered(pop, best * 0.25, fanout));
      }
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
      JsonObject r = measure(pop, scenario + "-latency", best * fraction, 2, seconds, fanout);
      emit(r.put("fractionOfSaturation", fraction).put("saturationSendRate", round(best * pop.publisherCount())));
    }
  }

  /**
   * What the servers burn with no traffic (heartbeats, timers, cluster upkeep), measured once:
   * results also report CPU per delivery net of it, since at low rates it dominates the gross figure.
   */
  private void measureIdleCpu() throws InterruptedException {
    if (idleCpuPerSecond < 0) {
      double cpu0 = ProcStats.cpuSeconds(pids);
      long t0 = System.nanoTime();
      Thread.sleep(5000);
      idleCpuPerSecond = (ProcStats.cpuSeconds(pids) - cpu0) / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Publishes at {@code rate} in 1 s windows until one has no errors and at least 90% of its
   * expected deliveries (at most 120 s); returns the seconds that took.
   */
  private double awaitRecovered(Population pop, double rate, double fanout) throws Exception {
    long t0 = System.nanoTime();
    double expected = rate * pop.publisherCount() * fanout;
    pop.publish(rate);
    try {
      while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
        pop.reset();
        Thread.sleep(1000);
        if (pop.errors.sum() == 0 && pop.deliveries.sum() >= 0.9 * expected) {
          break;
        }
        System.err.printf("  recovering from overload: %,d deliveries, %,d errors in the last second%n",
            pop.deliveries.sum(), pop.errors.sum());
      }
    } finally {
      pop.publish(0);
    }
    double seconds = round((System.nanoTime() - t0) / 1e9);
    awaitQuiet(pop);
    return seconds;
  }

  /**
   * Publishes at {@code rate} per publisher for warm-up plus {@code seconds}, measuring only the
   * latter; {@code fanout} deliveries are expected per message.
   */
  private JsonObject measure(Population pop, String label, double rate, int warmup, int seconds, double fanout)
      throws Exception {
    pop.publish(rate);
    Thread.sleep(warmup * 1000L);
    pop.reset();
    double cpu0 = ProcStats.cpuSeconds(pids);
    long t0 = System.nanoTime();
    double offered = rate * pop.publisherCount();
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      System.err.printf("  %s %.1f msg/s, %.1f deliveries per message: %,d deliveries, %,d acks, %d errors so far%n",
          label, offered, fanout, pop.deliveries.sum(), pop.acks.sum(), pop.errors.sum());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double cpu = ProcStats.cpuSeconds(pids) - cpu0;
    Histogram h = pop.latencySnapshot();
    long deliveries = pop.deliveries.sum();
    long sends = pop.sends.sum();
    pop.publish(0);
    awaitQuiet(pop);
    double expected = offered * fanout;
    double achieved = deliveries / elapsed;
    boolean saturated = achieved < 0.9 * expected || h.getValueAtPercentile(99) > 500_000
        || pop.errors.sum() > 0.01 * Math.max(1, sends);
    return new JsonObject().put("scenario", label).put("target", target).put("members", (int) Math.round(fanout))
        .put("fanout", fanout).put("connections", pop.connections()).put("publishers", pop.publisherCount())
        .put("offeredSendRate", round(offered)).put("achievedSendRate", round(pop.acks.sum() / elapsed))
        .put("expectedDeliveriesPerSec", round(expected)).put("deliveriesPerSec", round(achieved))
        .put("p50ms", ms(h, 50)).put("p95ms", ms(h, 95)).put("p99ms", ms(h, 99)).put("p999ms", ms(h, 99.9))
        .put("maxMs", round(h.getMaxValue() / 1000.0)).put("errors", pop.errors.sum()).put("errorsByCode", pop.errorsByCode())
        .put("gaps", pop.gaps.sum()).put("cpuSeconds", round(cpu)).put("cpuMicrosPerDelivery", deliveries == 0 ? null : round(cpu * 1e6 / deliveries))
        .put("idleCpuPerSec", idleCpuPerSecond < 0 ? null : round(idleCpuPerSecond))
        .put("cpuMicrosPerDeliveryNet", deliveries == 0 || idleCpuPerSecond < 0 ? null
            : round(Math.max(0, cpu - idleCpuPerSecond * elapsed) * 1e6 / deliveries))
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

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 6);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
