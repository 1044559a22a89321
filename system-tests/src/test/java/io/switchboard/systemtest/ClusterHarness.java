package io.switchboard.systemtest;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Switchboard cluster of separate JVM processes on loopback, for tests. Each process runs a
 * service's real {@code Main} with the test class path; logs go to
 * {@code target/cluster-logs/<cluster>/<process>.log}. A unique cluster name and Hazelcast port
 * range keep it apart from any other cluster on the machine.
 */
final class ClusterHarness implements AutoCloseable {

  enum Kind {
    GATEWAY("io.switchboard.gateway.Main"),
    ROOM("io.switchboard.room.Main"),
    PRESENCE("io.switchboard.presence.Main"),
    HISTORY("io.switchboard.history.Main");

    final String mainClass;

    Kind(String mainClass) {
      this.mainClass = mainClass;
    }
  }

  /** One running service process. */
  static final class Proc {
    final String name;
    final Kind kind;
    final Process process;
    final Path log;
    final int managementPort;
    final int gatewayPort;
    final int hazelcastPort;

    Proc(String name, Kind kind, Process process, Path log, int managementPort, int gatewayPort, int hazelcastPort) {
      this.name = name;
      this.kind = kind;
      this.process = process;
      this.log = log;
      this.managementPort = managementPort;
      this.gatewayPort = gatewayPort;
      this.hazelcastPort = hazelcastPort;
    }

    String wsUrl() {
      return "ws://127.0.0.1:" + gatewayPort + "/ws/v1";
    }

    /** The cluster node id the process logged when it became ready. */
    String nodeId() throws IOException {
      Matcher m = Pattern.compile("switchboard service ready .*node=\"([0-9a-f-]+)\"").matcher(Files.readString(log));
      if (!m.find()) {
        throw new IllegalStateException(name + " has not logged its node id");
      }
      return m.group(1);
    }
  }

  private static final Pattern BLOCKED = Pattern.compile("has been blocked for \\d+ ms");

  /**
   * Settings of a cluster whose tests are about messaging, not about the edge: development tokens,
   * every room open to every user, and rate limits far above what a test sends (tests pipeline
   * hundreds of messages from one socket). The security tests run with the product's defaults by
   * overriding these (see {@link #PRODUCT_EDGE}).
   */
  static final Map<String, String> OPEN_TEST_CLUSTER = Map.of(
      "SWITCHBOARD_AUTH_DEV_TOKENS", "true",
      "SWITCHBOARD_AUTH_NAMESPACES", "[{\"namespace\":\"\",\"join\":\"any\",\"send\":\"any\",\"history\":\"any\",\"presence\":\"any\"}]",
      "SWITCHBOARD_GATEWAY_FRAME_RATE", "1000000",
      "SWITCHBOARD_GATEWAY_FRAME_BURST", "1000000",
      "SWITCHBOARD_GATEWAY_SEND_RATE", "1000000",
      "SWITCHBOARD_GATEWAY_SEND_BURST", "1000000");

  /** The product's defaults for room policies and rate limits (development tokens stay on). */
  static final Map<String, String> PRODUCT_EDGE = Map.of(
      "SWITCHBOARD_AUTH_NAMESPACES", "",
      "SWITCHBOARD_GATEWAY_FRAME_RATE", "",
      "SWITCHBOARD_GATEWAY_FRAME_BURST", "",
      "SWITCHBOARD_GATEWAY_SEND_RATE", "",
      "SWITCHBOARD_GATEWAY_SEND_BURST", "");

  private final String clusterName = "sb-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final int hazelcastBase;
  private final Path logDir;
  /** Every process started, by the name of its log file (a restarted process keeps its name, not its log). */
  private final Map<String, Proc> procs = new LinkedHashMap<>();
  private final Set<String> paused = new java.util.HashSet<>();
  /** Fixed ports given to this cluster's processes, so that no two get the same one. */
  private final Set<Integer> assignedPorts = new java.util.HashSet<>();
  private final Map<Kind, Integer> counts = new LinkedHashMap<>();
  private final Map<String, String> env;
  /** Each process's event-bus port by name: fixed per process, as in production (one per process on a host). */
  private final Map<String, Integer> eventBusPorts = new LinkedHashMap<>();

  /**
   * @param env extra environment for every process (settings such as retention rules). By
   *     default the history service uses an embedded SQLite file in the cluster's log folder, so a
   *     restarted history process finds its data again.
   */
  ClusterHarness(Map<String, String> env) throws IOException {
    this.hazelcastBase = freePortBlock(40);
    this.logDir = Path.of("target", "cluster-logs", clusterName).toAbsolutePath();
    Files.createDirectories(logDir);
    this.env = new LinkedHashMap<>(Map.of("SWITCHBOARD_HISTORY_SQLITE_PATH", logDir.resolve("history.db").toString()));
    this.env.putAll(OPEN_TEST_CLUSTER);
    this.env.putAll(env);
  }

  /** Starts the standard topology: history first (the seed), then the rest in parallel; waits for all. */
  static ClusterHarness standard(int gateways, int rooms, Map<String, String> env) throws Exception {
    ClusterHarness h = new ClusterHarness(env);
    try {
      h.awaitReady(h.start(Kind.HISTORY));
      List<Proc> rest = new ArrayList<>();
      for (int i = 0; i < rooms; i++) {
        rest.add(h.start(Kind.ROOM));
      }
      rest.add(h.start(Kind.PRESENCE));
      for (int i = 0; i < gateways; i++) {
        rest.add(h.start(Kind.GATEWAY));
      }
      for (Proc p : rest) {
        h.awaitReady(p);
      }
      return h;
    } catch (Exception e) {
      h.close();
      throw e;
    }
  }

  Proc start(Kind kind) throws IOException {
    int n = counts.merge(kind, 1, Integer::sum);
    String name = kind.name().toLowerCase() + "-" + n;
    eventBusPorts.put(name, freeFixedPort());
    return launch(name, kind, freeFixedPort(), kind == Kind.GATEWAY ? freeFixedPort() : -1,
        hazelcastBase + procs.size(), logDir.resolve(name + ".log"));
  }

  /**
   * Stops {@code p} as an orchestrator does, with SIGTERM, and waits until it has exited after its
   * graceful shutdown; fails if it took more than 30 s.
   */
  void stop(Proc p) throws InterruptedException {
    p.process.destroy();
    if (!p.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
      p.process.destroyForcibly().waitFor();
      throw new IllegalStateException(p.name + " did not exit within 30 s of SIGTERM; see " + p.log);
    }
  }

  /**
   * The second half of a rolling restart: starts a new process in place of {@code p}, which has
   * exited ({@link #stop}), of its kind, under its name and on its ports (public, management, event
   * bus, Hazelcast), and returns it once it is ready. Its log is {@code <name>.<n>.log} for the n-th
   * process of that name.
   */
  Proc replace(Proc p) throws Exception {
    if (p.process.isAlive()) {
      throw new IllegalStateException(p.name + " is still running: stop it first");
    }
    long generation = procs.values().stream().filter(q -> q.name.equals(p.name)).count() + 1;
    Proc next = launch(p.name, p.kind, p.managementPort, p.gatewayPort, p.hazelcastPort,
        logDir.resolve(p.name + "." + generation + ".log"));
    awaitReady(next);
    return next;
  }

  private Proc launch(String name, Kind kind, int management, int gatewayPort, int hazelcastPort, Path log)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(javaCommand(kind));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    env.putAll(this.env);
    env.values().removeIf(String::isEmpty); // an empty value unsets a harness default
    env.put("SWITCHBOARD_CLUSTER_NAME", clusterName);
    env.put("SWITCHBOARD_CLUSTER_PORT", String.valueOf(hazelcastPort));
    // Seed with every live member (and itself): any of them may have been killed by a test.
    List<String> members = new ArrayList<>();
    procs.values().stream().filter(p -> p.process.isAlive()).forEach(p -> members.add("127.0.0.1:" + p.hazelcastPort));
    members.add("127.0.0.1:" + hazelcastPort);
    env.put("SWITCHBOARD_CLUSTER_MEMBERS", String.join(",", members));
    env.put("SWITCHBOARD_MANAGEMENT_PORT", String.valueOf(management));
    env.put("SWITCHBOARD_CLUSTER_EVENT_BUS_PORT", String.valueOf(eventBusPorts.get(name)));
    if (gatewayPort > 0) {
      env.put("SWITCHBOARD_GATEWAY_PORT", String.valueOf(gatewayPort));
      env.put("SWITCHBOARD_GATEWAY_HOST", "127.0.0.1");
    }
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Proc proc = new Proc(name, kind, pb.start(), log, management, gatewayPort, hazelcastPort);
    procs.put(log.getFileName().toString(), proc);
    return proc;
  }

  /** The command line of a service process: its {@code Main} on the test class path, in a small JVM. */
  static List<String> javaCommand(Kind kind) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
        "-cp", serviceClassPath(),
        kind.mainClass);
  }

  void awaitReady(Proc p) throws Exception {
    awaitReady(p.name, p.process, p.log, URI.create("http://127.0.0.1:" + p.managementPort + "/health/ready"));
  }

  /** Waits up to 120 s until {@code health} answers 2xx; fails at once if the process exits. */
  static void awaitReady(String name, Process process, Path log, URI health) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        if (c.getResponseCode() / 100 == 2) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(name + " not ready in time; see " + log);
  }

  List<Proc> all(Kind kind) {
    return procs.values().stream().filter(p -> p.kind == kind && p.process.isAlive()).toList();
  }

  int eventBusPort(Proc p) {
    return eventBusPorts.get(p.name);
  }

  String clusterName() {
    return clusterName;
  }

  /** Hazelcast seed members for a node that joins this cluster from outside the harness: every live process. */
  List<String> seedMembers() {
    return procs.values().stream().filter(p -> p.process.isAlive()).map(p -> "127.0.0.1:" + p.hazelcastPort).toList();
  }

  Proc gateway(int index) {
    return all(Kind.GATEWAY).get(index);
  }

  /** Kills a process the hard way (SIGKILL): no shutdown hook, no goodbye to the cluster. */
  void kill(Proc p) throws InterruptedException {
    p.process.destroyForcibly();
    p.process.waitFor();
  }

  /**
   * Freezes a process (SIGSTOP), as a long GC pause or a stalled VM does: its sockets stay open
   * but it answers nothing, so the cluster declares it dead only after the heartbeat timeout.
   * The freeze itself makes its event loops report that they were blocked; a paused process's
   * warnings are therefore not counted by {@link #blockedThreadWarnings}.
   */
  void pause(Proc p) throws IOException, InterruptedException {
    paused.add(p.name);
    signal(p, "STOP");
  }

  /** Lets a {@link #pause paused} process run again (SIGCONT). */
  void resume(Proc p) throws IOException, InterruptedException {
    signal(p, "CONT");
  }

  private static void signal(Proc p, String signal) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.process.pid())).inheritIO().start().waitFor();
    if (exit != 0) {
      throw new IllegalStateException("kill -" + signal + " " + p.name + " exited with " + exit);
    }
  }

  /**
   * Waits until a line of {@code p}'s log contains {@code text} (a line already there counts);
   * fails after {@code timeout}. Returns the time it was seen, to within 100 ms.
   */
  long awaitLog(Proc p, String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(p.log).contains(text)) {
        return System.nanoTime();
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(p.name + " did not log '" + text + "' within " + timeout + "; see " + p.log);
  }

  /** Log lines, across every process that was never {@link #pause paused}, that report a blocked event loop. */
  List<String> blockedThreadWarnings() throws IOException {
    List<String> hits = new ArrayList<>();
    for (Proc p : procs.values()) {
      if (paused.contains(p.name)) {
        continue;
      }
      for (String line : Files.readAllLines(p.log)) {
        if (BLOCKED.matcher(line).find()) {
          hits.add(p.name + ": " + line);
        }
      }
    }
    return hits;
  }

  @Override
  public void close() {
    procs.values().forEach(p -> p.process.destroy());
    for (Proc p : procs.values()) {
      try {
        if (!p.process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
          p.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.process.destroyForcibly();
      }
    }
  }

  /**
   * The test class path with each service's packaged jar replaced by its classes directory: the
   * jars' manifests point at {@code target/lib}, which would put every library on the path twice.
   */
  private static String serviceClassPath() {
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> out = new ArrayList<>();
    for (String entry : cp.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      boolean serviceJar = p.getParent() != null && p.getParent().getFileName().toString().equals("target")
          && p.getFileName().toString().endsWith("-service.jar");
      out.add(serviceJar ? p.getParent().resolve("classes").toString() : entry);
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * A free port for a service to bind a few seconds later, as an operator's fixed port: from
   * 10000-19999, below the kernel's ephemeral range (outbound connections and {@link #freePort()})
   * and below {@link #freePortBlock}, so that nothing else on the machine takes it meanwhile, and
   * never one this harness already gave out. The event bus, the gateway and the management
   * endpoint, unlike Hazelcast, do not move on to another port when theirs is taken: an ephemeral
   * port picked here could be taken by any outbound connection (the members' own) before they bind.
   */
  private int freeFixedPort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = 10000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(10000);
      if (assignedPorts.contains(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port)) {
        assignedPorts.add(port);
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port in 10000-19999");
  }

  /** A base port with {@code size} consecutive free ports after it (best effort). */
  private static int freePortBlock(int size) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + (int) (Math.random() * 30000);
      boolean free = true;
      for (int p = base; p < base + size && free; p++) {
        try (ServerSocket s = new ServerSocket(p)) {
          s.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no free port block");
  }
}
