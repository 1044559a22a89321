package io.switchboard.systemtest;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link ChaosFault} acts on: the bed, and the rooms under load with their writers, so
 * that a fault striking more than once can wait for every room to take writes again in between.
 */
record ChaosRun(ComposeBed compose, List<String> rooms, RoomWriters writers) {

  /** How long after a fault ends every room must take writes again. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);

  /** Waits until every room takes writes after {@code sinceNanos}; fails after {@link #RECOVERY_BOUND}. */
  void awaitWritesAfter(long sinceNanos) throws InterruptedException {
    if (!NetnsBedTestBase.awaitWritesAfter(writers, rooms, sinceNanos, RECOVERY_BOUND)) {
      throw new AssertionError("not every room took writes within " + RECOVERY_BOUND + " of a fault");
    }
  }

  /** Replica names of a compose service, in replica order ({@code room-1}, {@code room-2}). */
  List<String> replicas(String service) {
    return compose.bed().processes(service).stream().map(p -> p.name()).toList();
  }
}
