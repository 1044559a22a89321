package io.switchboard.systemtest;

import io.switchboard.systemtest.netns.BedProcess;
import io.switchboard.systemtest.netns.NetnsBed;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link ChaosFault} acts on: the bed, and the rooms under load with their writers, so
 * that a fault striking more than once can wait for every room to take writes again in between.
 */
record ChaosRun(ComposeBed compose, List<String> rooms, RoomWriters writers) {

  /** How long after a fault ends every room must take writes again. */
  static final Duration RECOVERY_BOUND = Duration.ofSeconds(60);
  /** How long after a fault every member must see the whole cluster again. */
  static final Duration MERGE_BOUND = Duration.ofSeconds(60);
  private static final Pattern MEMBERSHIP =
      Pattern.compile("(?:cluster member (?:joined|left)|merged back into the cluster) .*size=\"(\\d+)\"");

  /** Waits until every room takes writes after {@code sinceNanos}; fails after {@link #RECOVERY_BOUND}. */
  void awaitWritesAfter(long sinceNanos) throws InterruptedException {
    if (!NetnsBedTestBase.awaitWritesAfter(writers, rooms, sinceNanos, RECOVERY_BOUND)) {
      throw new AssertionError("not every room took writes within " + RECOVERY_BOUND + " of a fault");
    }
  }

  /**
   * Waits until every Switchboard process sees the whole cluster again: by its log, the member
   * count of its latest membership change since it last started (none: it joined through the
   * seeds) is the bed's process count. A member cut off or frozen past the failure timeout forms
   * a cluster of its own and merges back only at Hazelcast's next merge check
   * ({@code hazelcast.merge.next.run.delay.seconds}, 5 s); until then it owns none of the rooms
   * under load, so a fault that struck it next would measure nothing. In one full run the pause
   * froze {@code room-1} 2 s after the flap had left it alone (its log: {@code cluster member
   * left ... size="1"}, no {@code merged back}), and found 0 rooms affected.
   */
  void awaitWholeCluster() throws IOException, InterruptedException {
    NetnsBed bed = compose.bed();
    List<BedProcess> processes = bed.topology().replicas().stream().filter(r -> r.service().isBuilt())
        .map(r -> bed.process(r.name())).toList();
    long deadline = System.nanoTime() + MERGE_BOUND.toNanos();
    Map<String, Integer> apart = new TreeMap<>();
    do {
      apart.clear();
      for (BedProcess p : processes) {
        int seen = clusterSizeSeen(p);
        if (seen >= 0 && seen != processes.size()) {
          apart.put(p.name(), seen);
        }
      }
      if (apart.isEmpty()) {
        return;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("the cluster was not whole again within " + MERGE_BOUND + " of a fault: members seen "
        + apart + " of " + processes.size() + " (by each one's latest membership change in its log)");
  }

  /** The cluster size of the process's latest membership change since its last start, -1 if none. */
  private static int clusterSizeSeen(BedProcess p) throws IOException {
    String text = Files.readString(p.log());
    Matcher m = MEMBERSHIP.matcher(text.substring(Math.max(0, text.lastIndexOf("joining cluster"))));
    int size = -1;
    while (m.find()) {
      size = Integer.parseInt(m.group(1));
    }
    return size;
  }

  /** Replica names of a compose service, in replica order ({@code room-1}, {@code room-2}). */
  List<String> replicas(String service) {
    return compose.bed().processes(service).stream().map(p -> p.name()).toList();
  }
}
