package io.switchboard.systemtest;


import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link ChaosFault} acts on: the bed, and the rooms under load with their writers, so
 * that a fault striking more than once can wait for every room to take writes again in between.
 */
record ChaosRun(ComposeBed compose, List<String> rooms, RoomWriters writers) {

  /** How long after a fault ends every room must take writes again. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
  /** How long after a fault every member must see the whole cluster again. */
  static final Duration MERGE_BOUND = Duration.ofSeconds(60);

  /** Waits until every room takes writes after {@code sinceNanos}; fails after {@link #RECOVERY_BOUND}. */
  void awaitWritesAfter(long sinceNanos) throws InterruptedException {
    if (!NetnsBedTestBase.awaitWritesAfter(writers, rooms, sinceNanos, RECOVERY_BOUND)) {
      throw new AssertionError("not every room took writes within " + RECOVERY_BOUND + " of a fault");
    }
  }

  /**
   * Waits until every Switchboard process sees the whole cluster again ({@link NetnsBed#awaitWhole}).
   * A member cut off or frozen past the failure timeout forms a cluster of its own and merges back
   * only at Hazelcast's next merge check; until then it owns none of the rooms under load, so a
   * fault that struck it next would measure nothing. In one full run the pause froze
   * {@code room-1} 2 s after the flap had left it alone, and found 0 rooms affected.
   */
  void awaitWholeCluster() throws IOException, InterruptedException {
    compose.bed().awaitWhole(MERGE_BOUND);
  }

  /** Replica names of a compose service, in replica order ({@code room-1}, {@code room-2}). */
  List<String> replicas(String service) {
    return compose.bed().processes(service).stream().map(p -> p.name()).toList();
  }
}
