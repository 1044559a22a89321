package io.switchboard.systemtest;

import io.switchboard.systemtest.netns.BedProcess;
import io.switchboard.systemtest.netns.NetnsBed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The chaos suite's faults, each written against compose service names ({@code room},
 * {@code history}, {@code gateway}); which process is struck is picked at run time, by replica
 * order or by which one owns the rooms under load.
 */
final class ChaosFaults {

  /** How long a killed process stays down before it is started again (a supervisor's delay). */
  static final Duration DOWN = Duration.ofSeconds(2);
  /** Longer than the cluster's 6 s failure timeout, so the cluster declares the frozen member dead. */
  static final Duration PAUSE = Duration.ofSeconds(12);
  /** How long a minority stays cut off. */
  static final Duration PARTITION = Duration.ofSeconds(15);
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
      try {
        NetnsBedTestBase.roomsOwnedBy(name, run.rooms());
        return name;
      } catch (AssertionError ownsNone) {
        // the next replica
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
