package io.switchboard.bench.security;

import io.switchboard.bench.Args;
import io.switchboard.bench.BenchClient;
import io.switchboard.bench.Watchdog;
import io.switchboard.bench.load.LoadGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Security benchmarks against a running cluster, one JSON line per run:
 * <ul>
 *   <li>{@code flood}: a victim sends 10 messages a second and measures its ack latency; then
 *       a new connection every {@code --flood-every-ms} sends 2,000 messages as fast as it can.
 *       Reports the victim's latency before and during the floods and how the floods ended;</li>
 *   <li>{@code fuzz}: {@code --connections} clients send {@code --frames} fuzzed frames in total
 *       (each under the default frame rate), reconnecting whenever the gateway closes them, while
 *       a raw-socket client abuses the WebSocket layer (invalid UTF-8, compressed, oversized and
 *       fragmented frames). Reports every reply and close by kind, then checks that every room is
 *       still writable and counts ERROR lines and blocked-thread warnings the cluster logged.</li>
 * </ul>
 * <pre>java -cp bench/target/bench.jar io.switchboard.bench.security.SecurityBench --scenario fuzz --logs .run/logs</pre>
 */
public final class SecurityBench {

  private static final Logger log = LoggerFactory.getLogger(SecurityBench.class);

  private final Args args;
  private final List<String> urls;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final WebSocketClient client;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

  private SecurityBench(Args args) {
    this.args = args;
    this.urls = Arrays.asList(args.string("urls", "ws://127.0.0.1:8080/ws/v1,ws://127.0.0.1:8081/ws/v1").split(","));
    this.client = vertx.createWebSocketClient(LoadGen.browserLike(args).setMaxConnections(10_000).setConnectTimeout(10_000));
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    Thread watchdog = Watchdog.start(args.integer("max-seconds", 900));
    SecurityBench bench = new SecurityBench(args);
    try {
      JsonObject result = switch (args.string("scenario", "fuzz")) {
        case "flood" -> bench.flood();
        case "fuzz" -> bench.fuzz();
        default -> throw new IllegalArgumentException("--scenario flood|fuzz");
      };
      String line = result.encode() + "\n";
      Files.writeString(Path.of(args.string("out", "/dev/stdout")), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } finally {
      watchdog.interrupt();
      bench.vertx.close().await();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // flood

  private JsonObject flood() throws Exception {
    int baselineSeconds = args.integer("seconds", 20);
    int floodEveryMs = args.integer("flood-every-ms", 250);
    int floodFrames = args.integer("flood-frames", 2000);
    String victimRoom = "public:victim-" + run;
    BenchClient victim = BenchClient.connect(client, urls.get(0), "victim-" + run).await();
    victim.join(victimRoom, null).await();
    Histogram[] phase = {new Histogram(TimeUnit.SECONDS.toMicros(30), 3)};
    long[] seq = {0};
    long ticker = vertx.setPeriodic(100, id -> {
      long t0 = System.nanoTime();
      Histogram h = phase[0];
      victim.send(victimRoom, "v-" + seq[0]++, new JsonObject().put("text", "steady"))
          .onSuccess(ack -> {
            synchronized (h) {
              h.recordValue(Math.min(h.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
            }
          });
    });
    log.info("baseline: {} s of 10 messages a second", baselineSeconds);
    Thread.sleep(baselineSeconds * 1000L);
    Histogram baseline = phase[0];
    phase[0] = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);

    Map<Integer, LongAdder> closes = new ConcurrentHashMap<>();
    LongAdder acks = new LongAdder();
    LongAdder limited = new LongAdder();
    LongAdder written = new LongAdder();
    int floods = baselineSeconds * 1000 / floodEveryMs;
    log.info("flood: a new connection every {} ms sends {} messages as fast as it can, {} times", floodEveryMs, floodFrames, floods);
    for (int i = 0; i < floods; i++) {
      int n = i;
      connect(urls.get(0)).onSuccess(ws -> {
        ws.textMessageHandler(text -> {
          if (text.contains("\"type\":\"ack\"")) {
            acks.increment();
          } else if (text.contains("\"rate_limited\"")) {
            limited.increment();
          }
        });
        ws.closeHandler(v -> closes.computeIfAbsent(ws.closeStatusCode() == null ? -1 : (int) ws.closeStatusCode(),
            c -> new LongAdder()).increment());
        String room = "public:flood-" + run;
        ws.writeTextMessage(new JsonObject().put("type", "hello").put("token", "dev:flooder-" + run + "-" + n).encode());
        ws.writeTextMessage(new JsonObject().put("type", "join").put("room", room).encode());
        for (int k = 0; k < floodFrames; k++) {
          ws.writeTextMessage("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"f" + k + "\",\"body\":{\"text\":\"flood\"}}");
          written.increment();
        }
      });
      Thread.sleep(floodEveryMs);
    }
    Histogram during = phase[0];
    phase[0] = new Histogram(TimeUnit.SECONDS.toMicros(30), 3);
    Thread.sleep(5000);
    vertx.cancelTimer(ticker);
    Histogram after = phase[0];
    victim.close();
    JsonObject closeCodes = new JsonObject();
    new TreeMap<>(closes).forEach((code, count) -> closeCodes.put(String.valueOf(code), count.sum()));
    return new JsonObject().put("scenario", "flood").put("floods", floods).put("framesPerFlood", floodFrames)
        .put("floodEveryMs", floodEveryMs).put("framesWritten", written.sum()).put("floodAcks", acks.sum())
        .put("floodRateLimited", limited.sum()).put("floodCloses", closeCodes)
        .put("baseline", latency(baseline)).put("during", latency(during)).put("after", latency(after))
        .put("p99Ratio", round(during.getValueAtPercentile(99) / (double) Math.max(1, baseline.getValueAtPercentile(99))));
  }

  private static JsonObject latency(Histogram h) {
    synchronized (h) {
      return new JsonObject().put("acks", h.getTotalCount()).put("p50ms", h.getValueAtPercentile(50) / 1000.0)
          .put("p99ms", h.getValueAtPercentile(99) / 1000.0).put("maxMs", h.getMaxValue() / 1000.0);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // fuzz

  private JsonObject fuzz() throws Exception {
    long frames = Long.parseLong(args.string("frames", "1000000"));
    int connections = args.integer("connections", 200);
    double ratePerConnection = args.integer("rate", 40);
    List<String> rooms = new ArrayList<>();
    for (int i = 0; i < args.integer("rooms", 16); i++) {
      rooms.add("public:fuzz-" + run + "-" + i);
    }
    Path logs = Path.of(args.string("logs", ".run/logs"));
    Map<Path, Long> logStart = logSizes(logs);

    Counts counts = new Counts();
    AtomicBoolean running = new AtomicBoolean(true);
    List<FuzzConnection> conns = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      conns.add(new FuzzConnection(i, new FrameFuzzer(42 + i, rooms), counts, running));
    }
    for (FuzzConnection c : conns) {
      c.connect();
      Thread.sleep(5); // stay well under the gateways' cap on unauthenticated connections per address
    }
    RawAbuser raw = new RawAbuser(running);
    Thread rawThread = new Thread(raw, "raw-abuser");
    rawThread.start();

    long t0 = System.nanoTime();
    double perTick = ratePerConnection / 100.0;
    double[] owed = new double[connections];
    long ticker = vertx.setPeriodic(10, id -> {
      for (int i = 0; i < conns.size(); i++) {
        owed[i] += perTick;
        while (owed[i] >= 1) {
          owed[i] -= 1;
          conns.get(i).sendOne();
        }
      }
    });
    long lastReport = 0;
    while (counts.written.sum() < frames) {
      Thread.sleep(1000);
      long s = (System.nanoTime() - t0) / 1_000_000_000L;
      if (s >= lastReport + 10) {
        lastReport = s;
        log.info("{} s: {} frames written, {} replies, {} internal, {} closes, {} raw abuses", s, counts.written.sum(),
            counts.replies.sum(), counts.internal.sum(), counts.closes.values().stream().mapToLong(LongAdder::sum).sum(),
            raw.done.sum());
      }
    }
    vertx.cancelTimer(ticker);
    double seconds = (System.nanoTime() - t0) / 1e9;
    running.set(false);
    rawThread.join(30_000);
    Thread.sleep(3000); // replies still on the way
    conns.forEach(FuzzConnection::close);

    int writable = 0;
    List<String> unwritable = new ArrayList<>();
    for (String room : rooms) {
      if (writable(room)) {
        writable++;
      } else {
        unwritable.add(room);
      }
    }
    Thread.sleep(2000); // let the logs flush
    Map<String, Long> logLines = scanLogs(logs, logStart);

    JsonObject result = new JsonObject().put("scenario", "fuzz").put("frames", counts.written.sum())
        .put("connections", connections).put("seconds", round(seconds)).put("framesPerSec", round(counts.written.sum() / seconds))
        .put("replies", counts.replies.sum()).put("internal", counts.internal.sum())
        .put("repliesByType", sorted(counts.byType)).put("errorsByCode", sorted(counts.byCode))
        .put("closesByCode", sorted(counts.closes)).put("reconnects", counts.reconnects.sum())
        .put("connectFailures", counts.connectFailures.sum())
        .put("rawAbuses", raw.done.sum()).put("rawOutcomes", sorted(raw.outcomes)).put("rawUnexpected", raw.unexpected.sum())
        .put("roomsChecked", rooms.size()).put("roomsWritable", writable).put("roomsNotWritable", unwritable)
        .put("errorLogLines", logLines.get("error")).put("blockedThreadWarnings", logLines.get("blocked"))
        .put("warnLogLines", logLines.get("warn"));
    log.info("fuzz result: {}", result.encode());
    return result;
  }

  private boolean writable(String room) {
    try {
      BenchClient c = BenchClient.connect(client, urls.get(ThreadLocalRandom.current().nextInt(urls.size())), "checker-" + run)
          .await(10, TimeUnit.SECONDS);
      c.join(room, null).await(10, TimeUnit.SECONDS);
      JsonObject ack = c.send(room, "check-" + room, new JsonObject().put("text", "still writable?")).await(5, TimeUnit.SECONDS);
      c.close();
      return "ack".equals(ack.getString("type"));
    } catch (Exception e) {
      log.warn("room {} is not writable: {}", room, e.toString());
      return false;
    }
  }

  private Future<WebSocket> connect(String url) {
    URI uri = URI.create(url);
    return client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath()));
  }

  /** Everything the fuzzing connections saw. */
  private static final class Counts {
    final LongAdder written = new LongAdder();
    final LongAdder replies = new LongAdder();
    final LongAdder internal = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final Map<String, LongAdder> byType = new ConcurrentHashMap<>();
    final Map<String, LongAdder> byCode = new ConcurrentHashMap<>();
    final Map<String, LongAdder> closes = new ConcurrentHashMap<>();

    static void add(Map<String, LongAdder> m, String key) {
      m.computeIfAbsent(key, k -> new LongAdder()).increment();
    }
  }

  /** One fuzzing client: hello, then fuzzed frames at the ticker's pace; reconnects when closed. */
  private final class FuzzConnection {
    private final String user;
    private final int index;
    private final FrameFuzzer fuzzer;
    private final Counts counts;
    private final AtomicBoolean running;
    private volatile WebSocket ws;

    FuzzConnection(int index, FrameFuzzer fuzzer, Counts counts, AtomicBoolean running) {
      this.index = index;
      this.user = "fuzz-" + run + "-" + index;
      this.fuzzer = fuzzer;
      this.counts = counts;
      this.running = running;
    }

    void connect() {
      SecurityBench.this.connect(urls.get(index % urls.size())).onSuccess(socket -> {
        socket.textMessageHandler(this::onReply);
        socket.closeHandler(v -> onClose(socket));
        socket.writeTextMessage(fuzzer.hello(user));
        counts.written.increment();
        ws = socket;
      }).onFailure(e -> {
        counts.connectFailures.increment();
        reconnectLater();
      });
    }

    void sendOne() {
      WebSocket socket = ws;
      if (socket != null && running.get()) {
        socket.writeTextMessage(fuzzer.next(user));
        counts.written.increment();
      }
    }

    private void onReply(String text) {
      counts.replies.increment();
      JsonObject f = new JsonObject(text);
      String type = f.getString("type");
      Counts.add(counts.byType, String.valueOf(type));
      if ("error".equals(type)) {
        String code = f.getString("code");
        Counts.add(counts.byCode, code);
        if ("internal".equals(code)) {
          counts.internal.increment();
          log.warn("internal error reply: {}", text);
        }
      }
    }

    private void onClose(WebSocket socket) {
      if (ws == socket) {
        ws = null;
      }
      Counts.add(counts.closes, String.valueOf(socket.closeStatusCode()));
      reconnectLater();
    }

    private void reconnectLater() {
      if (running.get()) {
        counts.reconnects.increment();
        vertx.setTimer(100 + ThreadLocalRandom.current().nextInt(200), t -> connect());
      }
    }

    void close() {
      WebSocket socket = ws;
      if (socket != null) {
        socket.close();
      }
    }
  }

  /** Abuses the WebSocket layer with a plain socket, round robin, and checks each outcome. */
  private final class RawAbuser implements Runnable {
    private final AtomicBoolean running;
    final LongAdder done = new LongAdder();
    final LongAdder unexpected = new LongAdder();
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    RawAbuser(AtomicBoolean running) {
      this.running = running;
    }

    @Override
    public void run() {
      int k = 0;
      while (running.get()) {
        String url = urls.get(k % urls.size());
        String kind = List.of("invalid-utf8", "compressed", "oversized", "oversized-fragments", "binary", "fragmented",
            "ping").get(k++ % 7);
        String outcome;
        RawWebSocket socket = null;
        try {
          // From its own loopback address, so that the fuzzing connections' reconnects do not use up its budget.
          socket = RawWebSocket.connect(URI.create(url).getPort(), "/ws/v1",
              Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"), "127.0.0.2");
        } catch (IOException e) {
          // Closed on accept: the gateway's cap on unauthenticated connections from this address
          // was reached. Documented, and not an abuse outcome.
          Counts.add(outcomes, "refused on accept (unauthenticated cap)");
          pause();
          continue;
        }
        try (RawWebSocket s = socket) {
          outcome = abuse(s, kind);
        } catch (IOException e) {
          outcome = "io:" + e.getClass().getSimpleName();
        }
        boolean expected = switch (kind) {
          case "invalid-utf8" -> outcome.equals("close:1007");
          case "compressed" -> outcome.equals("close:1002");
          case "oversized", "oversized-fragments" -> outcome.equals("close:1009");
          case "binary" -> outcome.equals("error:binary_not_supported");
          case "fragmented" -> outcome.equals("pong");
          default -> outcome.equals("control-pong");
        };
        Counts.add(outcomes, kind + " -> " + outcome);
        done.increment();
        if (!expected) {
          unexpected.increment();
        }
        pause();
      }
    }

    private void pause() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running.set(false);
      }
    }

    private String abuse(RawWebSocket s, String kind) throws IOException {
      switch (kind) {
        case "invalid-utf8" -> s.sendFrame(0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        case "compressed" -> s.sendFrame(0xC1, new byte[] {0x4a, 0x4c, 0x04, 0x00});
        case "oversized" -> s.sendFrame(0x81, new byte[70_000]);
        case "oversized-fragments" -> {
          for (int i = 0; i < 3; i++) {
            s.sendFrame(i == 0 ? 0x01 : 0x00, new byte[30_000]);
          }
        }
        case "binary" -> {
          s.sendFrame(0x82, new byte[] {1, 2, 3});
          return s.awaitText("binary_not_supported", Duration.ofSeconds(5)) != null ? "error:binary_not_supported" : "none";
        }
        case "fragmented" -> {
          byte[] ping = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
          s.sendFrame(0x01, Arrays.copyOfRange(ping, 0, 5));
          s.sendFrame(0x80, Arrays.copyOfRange(ping, 5, ping.length));
          return s.awaitText("pong", Duration.ofSeconds(5)) != null ? "pong" : "none";
        }
        default -> {
          s.sendFrame(0x89, new byte[] {7});
          RawWebSocket.Frame f = s.read(Duration.ofSeconds(5));
          return f != null && f.opcode() == 10 ? "control-pong" : "none";
        }
      }
      int code = s.awaitClose(Duration.ofSeconds(5));
      return "close:" + code;
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static Map<Path, Long> logSizes(Path dir) throws IOException {
    Map<Path, Long> sizes = new HashMap<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
          sizes.put(f, Files.size(f));
        }
      }
    }
    return sizes;
  }

  /** Counts, in what the logs gained since {@code start}: ERROR lines, blocked-thread warnings, WARN lines. */
  private static Map<String, Long> scanLogs(Path dir, Map<Path, Long> start) throws IOException {
    long error = 0;
    long blocked = 0;
    long warn = 0;
    for (Map.Entry<Path, Long> e : logSizes(dir).entrySet()) {
      long from = start.getOrDefault(e.getKey(), 0L);
      byte[] added;
      try (RandomAccessFile f = new RandomAccessFile(e.getKey().toFile(), "r")) {
        added = new byte[(int) Math.max(0, e.getValue() - from)];
        f.seek(from);
        f.readFully(added);
      }
      for (String line : new String(added, StandardCharsets.UTF_8).split("\n")) {
        if (line.contains(" ERROR ")) {
          error++;
          log.warn("{}: {}", e.getKey().getFileName(), line);
        }
        if (line.contains("has been blocked for")) {
          blocked++;
        }
        if (line.contains(" WARN ")) {
          warn++;
        }
      }
    }
    return Map.of("error", error, "blocked", blocked, "warn", warn);
  }

  private static JsonObject sorted(Map<String, LongAdder> counts) {
    JsonObject out = new JsonObject();
    new TreeMap<>(counts).forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
