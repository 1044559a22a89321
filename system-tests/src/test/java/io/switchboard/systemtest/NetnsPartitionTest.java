package io.switchboard.systemtest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml in network namespaces, with the owner of some rooms cut off alone from the
 * rest of the cluster (a minority partition) while clients keep writing. The majority takes its
 * rooms over; the minority owner, which cannot reach the history store, acknowledges nothing
 * that the majority does not keep. Once healed, the minority merges back into the cluster.
 */
class NetnsPartitionTest extends NetnsBedTestBase {

  private static final Duration TAKEN_OVER_WITHIN = Duration.ofSeconds(15);
  /** Hazelcast looks for a split every 5 s; a few rounds. */
  private static final Duration MERGED_WITHIN = Duration.ofSeconds(30);

  @Test
  void aPartitionedMinorityOwnerAcksNothingTheMajorityDoesNotKeep() throws Exception {
    List<String> rooms = rooms("split", 12);
    String minority = "room-1";
    List<String> affected = roomsOwnedBy(minority, rooms);

    try (RoomWriters writers = steadyWriters(rooms)) {
      compose.bed().partition(List.of(minority));
      long partitionedAt = System.nanoTime();
      assertReachable(minority); // cut off from the cluster only: clients (the test JVM) reach both sides
      boolean takenOver = awaitWritesAfter(writers, rooms, partitionedAt, TAKEN_OVER_WITHIN);
      recordOutages("minority-partition", writers, rooms, affected, partitionedAt);
      assertThat(takenOver).as("every room takes writes again while the owner is cut off").isTrue();
      compose.bed().heal();
      long healedAt = System.nanoTime();
      assertThat(awaitWritesAfter(writers, rooms, healedAt, TAKEN_OVER_WITHIN)).as("every room takes writes after the heal").isTrue();
      compose.bed().awaitWhole(MERGED_WITHIN); // the cut-off member merges back: it can own rooms again
      writers.stop();
      assertEveryRoomHoldsExactlyWhatWasAcked(writers, rooms);
    }
  }
}
