package io.switchboard.systemtest.netns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The multi-host test bed: every container docker-compose.yml asks for runs as a process in a
 * network namespace of its own, with its own address on a bridge, configured from the compose
 * file itself (see docs/reliability.md for what the bed overrides and why). Faults are what a
 * container platform shows: an address that goes silent, a partition, a flapping link, a process
 * killed, frozen or asked to stop.
 *
 * <p>Needs root and {@code ip netns} ({@link #unsupportedReason}); the faults need iptables
 * ({@link #faultsUnavailableReason}). One bed runs on a machine at a time: {@link #start} first
 * removes whatever a crashed run left behind.
 */
public final class NetnsBed implements AutoCloseable {

  /** A service's log line for a membership change, with the cluster size it saw. */
  private static final Pattern MEMBERSHIP =
      Pattern.compile("(?:cluster member (?:joined|left)|merged back into the cluster) .*size=\"(\\d+)\"");

  private static final Logger log = LoggerFactory.getLogger(NetnsBed.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern BLOCKED = Pattern.compile("has been blocked for \\d+ ms");
  /** The machine's host name, which every namespace shares (they have no UTS namespace of their own). */
  private static final String HOST_NAME = hostName();

  /**
   * What a bed runs and how.
   *
   * @param composeFile the docker-compose.yml to run
   * @param variables interpolation variables ({@code ${VAR:-default}}), instead of the shell's
   * @param scale replicas per service instead of {@code deploy.replicas} ({@code --scale})
   * @param overrides settings every Switchboard service gets on top of the compose file's
   * @param hostDirs bind-mount source folders as written in the file ({@code ./certs}) to the
   *     folders this run uses instead
   * @param command the command line that runs a Switchboard service, by module ({@code room-service})
   * @param readiness how to wait until a started service is ready
   * @param standIns the local equivalent of each image the bed cannot run, by image name
   *     without tag ({@code postgres})
   * @param runDir where the processes' working folders and logs go
   */
  public record Options(
      Path composeFile,
      Map<String, String> variables,
      Map<String, Integer> scale,
      Map<String, String> overrides,
      Map<String, Path> hostDirs,
      Function<String, List<String>> command,
      Readiness readiness,
      Map<String, java.util.function.Supplier<StandIn>> standIns,
      Path runDir) {
  }

  /** Waits until a service process answers 2xx at {@code health}, failing if it exits first. */
  @FunctionalInterface
  public interface Readiness {
    void await(String name, Process process, Path log, URI health) throws Exception;
  }

  private final Options options;
  private final Topology topology;
  private final NetworkNamespaces network = new NetworkNamespaces();
  private final Firewall firewall = new Firewall();
  private final Map<String, BedProcess> processes = new LinkedHashMap<>();
  private final Map<String, StandIn> standIns = new LinkedHashMap<>();
  private final Set<String> paused = new HashSet<>();
  private final Set<Replica> faulty = new HashSet<>();

  private NetnsBed(Options options, Topology topology) {
    this.options = options;
    this.topology = topology;
  }

  /** Why the bed cannot run on this machine, or null if it can. */
  public static String unsupportedReason() {
    return NetworkNamespaces.unsupportedReason();
  }

  /** Why faults cannot be injected on this machine, or null if they can. */
  public static String faultsUnavailableReason() {
    return Firewall.unavailableReason();
  }

  /**
   * Builds the network, starts the images' stand-ins, then every Switchboard service, a
   * {@code depends_on} wave at a time, each wave once the previous one is ready; returns when all
   * are ready.
   */
  public static NetnsBed start(Options options) throws Exception {
    ComposeFile compose = ComposeFile.read(options.composeFile(), options.variables());
    NetnsBed bed = new NetnsBed(options, new Topology(compose, options.scale()));
    try {
      NetworkNamespaces.removeAll();
      Files.createDirectories(options.runDir());
      bed.network.createBridge();
      for (Replica r : bed.topology.replicas()) {
        if (!r.service().isBuilt()) {
          bed.network.addToHost(r);
          bed.standIn(r);
        }
      }
      for (List<ComposeService> wave : compose.startWaves()) {
        List<BedProcess> started = new ArrayList<>();
        for (ComposeService service : wave.stream().filter(ComposeService::isBuilt).toList()) {
          for (Replica r : bed.topology.replicasOf(service.name())) {
            bed.network.create(r, bed.topology.hostsFile(r, HOST_NAME));
            started.add(bed.launch(r, Map.of()));
          }
        }
        for (BedProcess p : started) {
          bed.awaitReady(p);
        }
      }
      log.atInfo().addKeyValue("containers", bed.topology.replicas().stream()
          .map(r -> r.name() + "=" + r.address()).toList()).log("netns bed ready");
      return bed;
    } catch (Exception e) {
      try {
        bed.close();
      } catch (Exception cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  public Topology topology() {
    return topology;
  }

  /** The latest process of a replica, by name ({@code room-2}), running or not. */
  public BedProcess process(String name) {
    BedProcess p = processes.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no process " + name + "; the bed runs " + processes.keySet());
    }
    return p;
  }

  /** The processes of a service, in replica order. */
  public List<BedProcess> processes(String service) {
    return processes.values().stream().filter(p -> p.replica().service().name().equals(service)).toList();
  }

  /**
   * The WebSocket URL of every process on a public (non-internal) network, in replica order: the
   * gateways, which the test JVM reaches over the bridge as clients reach published ports.
   */
  public List<String> webSocketUrls() {
    return publicProcesses().stream().map(p -> "ws://" + httpAuthority(p) + "/ws/v1").toList();
  }

  /** {@code http://<address>:<port>} of each process on a public network (the HTTP API). */
  public List<String> httpBases() {
    return publicProcesses().stream().map(p -> "http://" + httpAuthority(p)).toList();
  }

  /** Starts the replica's service again in its namespace (after {@link #kill}), and waits until it is ready. */
  public BedProcess restart(String name) throws Exception {
    return restart(name, Map.of());
  }

  /**
   * {@link #restart(String)} with {@code extraEnv} on top of the replica's environment, for this
   * start only (the next plain restart drops it): what one host, unlike the others, runs with,
   * such as a preloaded library that skews its clock ({@code LD_PRELOAD}, {@code FAKETIME}).
   */
  public BedProcess restart(String name, Map<String, String> extraEnv) throws Exception {
    BedProcess old = process(name);
    if (old.process().isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    if (!extraEnv.isEmpty()) {
      log.atInfo().addKeyValue("replica", name).addKeyValue("extraEnv", extraEnv).log("starting with extra environment");
    }
    BedProcess p = launch(old.replica(), extraEnv);
    awaitReady(p);
    return p;
  }

  // ---- faults -----------------------------------------------------------------------------

  /**
   * Takes the replica's address away as a vanished container does: every packet to and from it
   * is dropped, so its peers see silence (no reset, no unreachable), and it sees the same.
   */
  public void dropAddress(String name) throws IOException, InterruptedException {
    Replica r = process(name).replica();
    faulty.add(r);
    firewall.isolate(r);
    log.atInfo().addKeyValue("replica", name).addKeyValue("address", r.address()).log("address dropped");
  }

  /** Gives a {@link #dropAddress dropped} address back (and lifts any partition rule of the replica). */
  public void restoreAddress(String name) throws IOException, InterruptedException {
    Replica r = process(name).replica();
    firewall.clear(r);
    faulty.remove(r);
    log.atInfo().addKeyValue("replica", name).log("address restored");
  }

  /**
   * Cuts {@code minority} off from every other container, both ways; inside the minority, and
   * between every container and the test JVM, traffic flows on.
   */
  public void partition(Collection<String> minority) throws IOException, InterruptedException {
    List<Replica> inside = minority.stream().map(n -> process(n).replica()).toList();
    List<String> outside = topology.replicas().stream().filter(r -> !inside.contains(r)).map(Replica::address).toList();
    for (Replica r : inside) {
      faulty.add(r);
      firewall.block(r, outside);
    }
    log.atInfo().addKeyValue("minority", minority).log("partitioned");
  }

  /** Lifts every network fault. */
  public void heal() throws IOException, InterruptedException {
    for (Replica r : List.copyOf(faulty)) {
      firewall.clear(r);
      faulty.remove(r);
    }
    log.atInfo().log("healed");
  }

  /**
   * Drops and restores the replica's address {@code times} times: {@code down} without it, then
   * {@code up} with it. Bounded: at most 50 flaps and 2 minutes.
   */
  public void flap(String name, int times, Duration down, Duration up) throws IOException, InterruptedException {
    if (times < 1 || times > 50 || down.plus(up).multipliedBy(times).compareTo(Duration.ofMinutes(2)) > 0) {
      throw new IllegalArgumentException("a flap is 1-50 times and at most 2 minutes in all");
    }
    for (int i = 0; i < times; i++) {
      dropAddress(name);
      Thread.sleep(down.toMillis());
      restoreAddress(name);
      Thread.sleep(up.toMillis());
    }
  }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster. */
  public void kill(String name) throws InterruptedException {
    Process p = process(name).process();
    p.destroyForcibly();
    p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** SIGTERM: the service stops in order (its own bounded shutdown). Does not wait. */
  public void terminate(String name) {
    process(name).process().destroy();
  }

  /** SIGSTOP: frozen like a long GC pause or a stalled VM; its blocked-thread warnings then do not count. */
  public void pause(String name) throws IOException, InterruptedException {
    paused.add(name);
    signal(name, "STOP");
  }

  /** SIGCONT after {@link #pause}. */
  public void resume(String name) throws IOException, InterruptedException {
    signal(name, "CONT");
  }

  /**
   * Waits until every Switchboard process sees the whole cluster: by its log, the member count of
   * its latest membership change since it last started (none: it joined through the seeds and has
   * seen no change) is the bed's process count. A member cut off past the failure timeout forms a
   * cluster of its own and must merge back.
   *
   * @throws AssertionError if some process does not within {@code bound}, naming what each saw
   */
  public void awaitWhole(Duration bound) throws IOException, InterruptedException {
    List<BedProcess> all = new ArrayList<>(processes.values());
    long deadline = System.nanoTime() + bound.toNanos();
    Map<String, Integer> apart = new TreeMap<>();
    do {
      apart.clear();
      for (BedProcess p : all) {
        int seen = clusterSizeSeen(p);
        if (seen >= 0 && seen != all.size()) {
          apart.put(p.name(), seen);
        }
      }
      if (apart.isEmpty()) {
        return;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the cluster was not whole within " + bound + ": members seen " + apart + " of "
        + all.size() + " (by each one's latest membership change in its log)");
  }

  /** The cluster size of the process's latest membership change since its last start, -1 if none. */
  private static int clusterSizeSeen(BedProcess p) throws IOException {
    String text = Files.readString(p.log());
    var m = MEMBERSHIP.matcher(text.substring(Math.max(0, text.lastIndexOf("joining cluster"))));
    int size = -1;
    while (m.find()) {
      size = Integer.parseInt(m.group(1));
    }
    return size;
  }

  /** Log lines, across the processes never {@link #pause paused}, that report a blocked event loop. */
  public List<String> blockedThreadWarnings() throws IOException {
    List<String> hits = new ArrayList<>();
    for (BedProcess p : processes.values()) {
      if (!paused.contains(p.name()) && Files.exists(p.log())) {
        Files.readAllLines(p.log()).stream().filter(l -> BLOCKED.matcher(l).find()).forEach(l -> hits.add(p.name() + ": " + l));
      }
    }
    return hits;
  }

  /** Stops every process (SIGTERM, then SIGKILL after 10 s), the stand-ins, and removes the network. */
  @Override
  public void close() throws Exception {
    try {
      stopProcesses();
      for (StandIn s : standIns.values()) {
        s.close();
      }
    } finally {
      NetworkNamespaces.removeAll();
    }
  }

  private void stopProcesses() throws IOException, InterruptedException {
    for (String name : paused) {
      if (processes.get(name).process().isAlive()) {
        signal(name, "CONT"); // a stopped process would not act on SIGTERM
      }
    }
    processes.values().forEach(p -> p.process().destroy());
    long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
    for (BedProcess p : processes.values()) {
      if (!p.process().waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        log.atWarn().addKeyValue("replica", p.name()).log("did not stop within 10 s of SIGTERM; killing it");
        p.process().destroyForcibly();
      }
    }
  }

  // ---- internals --------------------------------------------------------------------------

  private BedProcess launch(Replica r, Map<String, String> extraEnv) throws IOException {
    Map<String, String> overrides = new LinkedHashMap<>();
    standIns.forEach((service, standIn) -> {
      if (uses(r.service(), topology.compose().service(service))) {
        overrides.putAll(standIn.overridesForClients());
      }
    });
    overrides.putAll(options.overrides());
    Map<String, String> hostDirs = new LinkedHashMap<>();
    options.hostDirs().forEach((k, v) -> hostDirs.put(k, v.toAbsolutePath().toString()));
    Map<String, String> env = new LinkedHashMap<>(topology.environment(r, hostDirs, overrides));
    env.putAll(extraEnv);

    Path workDir = options.runDir().resolve(r.name());
    Files.createDirectories(workDir);
    Path logFile = options.runDir().resolve(r.name() + ".log");
    ProcessBuilder pb = new ProcessBuilder(NetworkNamespaces.inside(r, options.command().apply(r.service().module())))
        .directory(workDir.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    // A container's environment is its compose environment, not the environment of whoever started it.
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().putAll(env);
    BedProcess p = new BedProcess(r, pb.start(), logFile, Map.copyOf(env));
    processes.put(r.name(), p);
    return p;
  }

  /** Whether {@code client} talks to {@code server}: depends on it, or names it in its environment. */
  private static boolean uses(ComposeService client, ComposeService server) {
    return client.dependsOn().contains(server.name()) || client.environment().values().stream()
        .anyMatch(v -> v.matches("(?:.*[,/@])?" + Pattern.quote(server.name()) + "(?:[:,/].*)?"));
  }

  private void standIn(Replica r) throws Exception {
    String image = r.service().image().replaceFirst(":.*$", "");
    var factory = options.standIns().get(image);
    if (factory == null) {
      throw new IllegalStateException("the bed has no local equivalent of image " + r.service().image()
          + " (service " + r.service().name() + "); it knows " + options.standIns().keySet());
    }
    if (r.index() > 1) {
      throw new IllegalStateException("the local equivalent of " + image + " runs once; scale " + r.service().name() + " to 1");
    }
    StandIn s = factory.get();
    standIns.put(r.service().name(), s);
    s.start(r.address());
    log.atInfo().addKeyValue("service", r.service().name()).addKeyValue("address", r.address())
        .log("image stood in for by a local equivalent");
  }

  private void awaitReady(BedProcess p) throws Exception {
    int port = p.port("SWITCHBOARD_MANAGEMENT_PORT", -1);
    if (port <= 0) {
      throw new IllegalStateException(p.name() + " has no SWITCHBOARD_MANAGEMENT_PORT: the bed cannot tell when it is ready");
    }
    options.readiness().await(p.name(), p.process(), p.log(), URI.create("http://" + p.address() + ":" + port + "/health/ready"));
  }

  private List<BedProcess> publicProcesses() {
    return processes.values().stream().filter(p -> topology.compose().isOnPublicNetwork(p.replica().service())).toList();
  }

  private static String httpAuthority(BedProcess p) {
    return p.address() + ":" + p.port("SWITCHBOARD_GATEWAY_PORT", 8080);
  }

  private static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private void signal(String name, String signal) throws IOException, InterruptedException {
    Command.run("kill", "-" + signal, String.valueOf(process(name).process().pid()));
  }
}
