package io.switchboard.systemtest;

import io.switchboard.systemtest.netns.BedProcess;
import io.switchboard.systemtest.netns.NetnsBed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chaos suite's faults, each written against compose service names ({@code room},
 * {@code history}, {@code gateway}); which process is struck is picked at run time, by replica
 * order or by which one owns the rooms under load.
 */
final class ChaosFaults {

  /** How long a killed process stays down before it is started again (a supervisor's delay). */
  static final Duration DOWN = Duration.ofSeconds(2);
  /**
   * Longer than the cluster's failure timeout ({@code cluster.maxNoHeartbeatMs}, 5 s by default),
   * so the cluster declares the frozen member dead.
   */
  static final Duration PAUSE = Duration.ofSeconds(12);
  /** How long a minority stays cut off. */
  static final Duration PARTITION = Duration.ofSeconds(15);
  /** How long a host with a skewed clock serves, under load, before it runs with the right clock again. */
  static final Duration SKEWED = Duration.ofSeconds(20);
  /**
   * libfaketime (Debian's {@code faketime} package): preloaded into a process, it shifts its wall
   * clock ({@code System.currentTimeMillis}, {@code Instant.now}) by {@code FAKETIME}; with
   * {@code DONT_FAKE_MONOTONIC=1}, {@code System.nanoTime} and sleeps stay real. With glibc 2.36
   * (Debian 12) it also needs {@code FAKETIME_FORCE_MONOTONIC_FIX=0}: its default "monotonic fix"
   * makes every timed {@code pthread_cond_timedwait} return at once, so a JVM's
   * {@code LockSupport.parkNanos} and {@code Object.wait(ms)} spin (200 parks of 1 ms took 0 ms),
   * which starved the bed's 2 cores, slowed the skewed service's start from 7 s to over a minute
   * and blocked event loops for 2 s.
   */
  static final Path FAKETIME_LIB = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
  /** How far the skew a process shows may be from the one asked for (its log and readiness poll are that far apart at most). */
  private static final Duration SKEW_TOLERANCE = Duration.ofSeconds(5);
  private static final Pattern READY_LINE = Pattern.compile("(?m)^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d{3}) .*switchboard service ready");
  private static final Duration STOP_BOUND = Duration.ofSeconds(25);

  private ChaosFaults() {
  }

  /**
   * SIGKILL a replica of {@code service}, {@code times} times, each time the next replica in
   * order; each is started again after {@link #DOWN}, and every room takes writes again before
   * the next kill.
   */
  static ChaosFault kill(String service, int times) {
    return new Named("kill-" + service + (times > 1 ? " x" + times : ""), run -> {
      List<String> struck = new ArrayList<>();
      List<String> replicas = run.replicas(service);
      for (int i = 0; i < times; i++) {
        String name = replicas.get(i % replicas.size());
        run.compose().bed().kill(name);
        Thread.sleep(DOWN.toMillis());
        run.compose().bed().restart(name);
        run.awaitWritesAfter(System.nanoTime());
        struck.add(name);
      }
      return String.join(", ", struck);
    });
  }

  /**
   * SIGSTOP the room service that owns some of the rooms under load for {@link #PAUSE}, past the
   * failure timeout, then SIGCONT: the frozen owner must come back (or make way) without a room
   * staying unavailable.
   */
  static ChaosFault pauseOwner() {
    return new Named("pause-room-owner", run -> {
      String owner = ownerOfSome(run);
      run.compose().bed().pause(owner);
      Thread.sleep(PAUSE.toMillis());
      run.compose().bed().resume(owner);
      return owner + " (" + PAUSE.toSeconds() + " s)";
    });
  }

  /** Cuts the owner of some of the rooms under load off from every other container for {@link #PARTITION}, then heals. */
  static ChaosFault minorityPartition() {
    return new Named("partition-owner-minority", run -> {
      String owner = ownerOfSome(run);
      run.compose().bed().partition(List.of(owner));
      Thread.sleep(PARTITION.toMillis());
      run.compose().bed().heal();
      return owner + " alone (" + PARTITION.toSeconds() + " s)";
    });
  }

  /** Drops and restores a room owner's address 5 times: 2 s gone, 3 s back. */
  static ChaosFault flap() {
    return new Named("flap-room-owner", run -> {
      String owner = ownerOfSome(run);
      run.compose().bed().flap(owner, 5, Duration.ofSeconds(2), Duration.ofSeconds(3));
      return owner + " (5 x 2 s down / 3 s up)";
    });
  }

  /**
   * SIGTERM every Switchboard process in turn, in start order (history, rooms, presence,
   * gateways), each started again and ready, with every room taking writes, before the next.
   */
  static ChaosFault rollingRestart() {
    return new Named("rolling-restart", run -> {
      List<String> order = run.compose().bed().topology().replicas().stream()
          .filter(r -> r.service().isBuilt()).map(r -> r.name()).toList();
      for (String name : order) {
        stopInOrder(run.compose().bed(), name);
        run.compose().bed().restart(name);
        run.awaitWritesAfter(System.nanoTime());
      }
      return "every service (" + order.size() + " processes)";
    });
  }

  /** The history store failing writes for a while: {@link StoreOutage}. */
  static ChaosFault storeOutage(StoreOutage outage) {
    return new Named(outage.name(), run -> {
      outage.begin(run);
      try {
        Thread.sleep(StoreOutage.LENGTH.toMillis());
      } finally {
        outage.end();
      }
      return outage.target();
    });
  }

  /**
   * Clock skew on one host: SIGTERM a replica of {@code service} (of {@code room}, one that owns
   * some of the rooms under load; else the first replica), start it again with its wall clock off
   * by {@code skew} ({@link #FAKETIME_LIB}, as on a host whose time sync is broken; its monotonic
   * clock stays right), check from its log that the skew took, let it serve for {@link #SKEWED},
   * then SIGTERM it and start it with the right clock. Whatever compares wall clocks across hosts
   * (message timestamps, heartbeats, leases, token times) would show here as lost or stuck writes.
   */
  static ChaosFault clockSkew(String service, Duration skew) {
    String faketime = String.format("%+ds", skew.toSeconds());
    return new Named("clock-skew-" + ("room".equals(service) ? "room-owner" : service), run -> {
      if (!Files.isReadable(FAKETIME_LIB)) {
        throw new IllegalStateException(FAKETIME_LIB + " is missing: apt-get install faketime");
      }
      NetnsBed bed = run.compose().bed();
      String name = "room".equals(service) ? ownerOfSome(run) : run.replicas(service).get(0);
      stopInOrder(bed, name);
      String owning = "";
      try {
        BedProcess skewed = bed.restart(name, Map.of("LD_PRELOAD", FAKETIME_LIB.toString(), "FAKETIME", faketime,
            "DONT_FAKE_MONOTONIC", "1", "FAKETIME_FORCE_MONOTONIC_FIX", "0"));
        Duration shown = shownSkew(skewed, LocalTime.now());
        if (shown.minus(skew).abs().compareTo(SKEW_TOLERANCE) > 0) {
          throw new AssertionError(name + " started " + shown.toMillis() + " ms off, not " + faketime + ": the skew did not take");
        }
        run.awaitWritesAfter(System.nanoTime());
        if ("room".equals(service)) {
          List<String> owned = ownedBy(name, run.rooms());
          if (owned.isEmpty()) {
            throw new AssertionError(name + " owns none of the rooms since its restart: the skew would go untested");
          }
          owning = ", owning " + owned.size() + " of " + run.rooms().size() + " rooms";
        }
        Thread.sleep(SKEWED.toMillis());
      } finally {
        // The right clock again, also when the skewed run failed: the faults after this one get a sound bed.
        if (bed.process(name).process().isAlive()) {
          stopInOrder(bed, name);
        }
        bed.restart(name);
      }
      return name + " at " + faketime + " for " + SKEWED.toSeconds() + " s" + owning;
    });
  }

  /**
   * How far the wall clock of a process just started is from this JVM's: the time of day its
   * ready line was logged at, against {@code readyAt} here. Taken modulo 15 minutes, so that a
   * time zone of its own does not count.
   */
  private static Duration shownSkew(BedProcess p, LocalTime readyAt) throws IOException {
    Matcher m = READY_LINE.matcher(Files.readString(p.log()));
    long logged = -1;
    while (m.find()) {
      logged = ((Long.parseLong(m.group(1)) * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3))) * 1000
          + Long.parseLong(m.group(4)); // the latest start's
    }
    if (logged < 0) {
      throw new AssertionError(p.name() + " logged no ready line with a time of day; see " + p.log());
    }
    long quarter = Duration.ofMinutes(15).toMillis();
    long diff = Math.floorMod(logged - readyAt.toNanoOfDay() / 1_000_000, quarter);
    return Duration.ofMillis(diff > quarter / 2 ? diff - quarter : diff);
  }

  /** The rooms under load whose shard {@code name} owns, none if it owns none. */
  private static List<String> ownedBy(String name, List<String> rooms) throws IOException {
    try {
      return NetnsBedTestBase.roomsOwnedBy(name, rooms);
    } catch (AssertionError ownsNone) {
      return List.of();
    }
  }

  private static void stopInOrder(NetnsBed bed, String name) throws InterruptedException {
    BedProcess p = bed.process(name);
    bed.terminate(name);
    if (!p.process().waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(name + " did not stop within " + STOP_BOUND + " of SIGTERM");
    }
  }

  /** The first room replica that owns at least one of the rooms under load. */
  private static String ownerOfSome(ChaosRun run) throws Exception {
    for (String name : run.replicas("room")) {
      if (!ownedBy(name, run.rooms()).isEmpty()) {
        return name;
      }
    }
    throw new AssertionError("no room replica owns any of " + run.rooms());
  }

  /** A fault whose strike is a lambda. */
  private record Named(String name, Strike strike) implements ChaosFault {
    @Override
    public String strike(ChaosRun run) throws Exception {
      return strike.apply(run);
    }
  }

  @FunctionalInterface
  private interface Strike {
    String apply(ChaosRun run) throws Exception;
  }
}
