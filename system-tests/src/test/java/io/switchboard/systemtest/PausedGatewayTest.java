package io.switchboard.systemtest;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PausedMemberTest} for a gateway: the one its listening client is connected to is frozen. */
class PausedGatewayTest extends PausedMemberTest {

  @Test
  void aGatewayPausedPastTheFailureTimeoutDeliversToItsClientsAgainSoonAfterItMergesBack() throws Exception {
    List<String> rooms = IntStream.range(0, 8).mapToObj(i -> "paused-gateway-room-" + i).toList();
    ClusterHarness.Proc frozen = cluster.gateway(1);
    ChatClient listener = joinedTo(rooms, frozen.wsUrl(), "listener");
    ChatClient poster = joinedTo(rooms, cluster.gateway(0).wsUrl(), "poster");
    Map<String, Map<String, Long>> acks = new HashMap<>();
    sendToEvery(poster, rooms, "before", Duration.ofSeconds(30), acks);

    // While it is frozen (and once the cluster has dropped it), the rooms go on without it.
    Freeze freeze = freezeUntilMerged(frozen, () -> {
      Thread.sleep(PAUSE.toMillis() / 2);
      sendToEvery(poster, rooms, "frozen", Duration.ofSeconds(30), acks);
    });
    long deadline = freeze.mergedAt() + WRITABLE_AFTER_MERGE.toNanos();
    sendToEvery(poster, rooms, "merged", Duration.ofSeconds(15), acks);
    // Within 15 s of the merge the listener, still connected to the gateway that was frozen, has
    // every message of every room (what it missed repaired from history), in order, each once.
    for (String room : rooms) {
      Map<String, Long> roomAcks = acks.get(room);
      List<JsonObject> seen = listener.awaitMessages(room, roomAcks.size(),
          Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      assertThat(seen.stream().map(m -> m.getLong("seq")).toList()).as("what the listener of %s saw", room)
          .isEqualTo(LongStream.rangeClosed(1, roomAcks.size()).boxed().toList());
    }
    ChatClient newcomer = ChatClient.connect(vertx, frozen.wsUrl(), "newcomer-after-gateway-pause");
    for (String room : rooms) {
      joinBefore(newcomer, room, System.nanoTime() + WRITABLE_AFTER_MERGE.toNanos());
    }
    for (String room : rooms) {
      assertRoomHoldsExactly(room, acks.get(room));
    }
    newcomer.close();
    listener.close();
    poster.close();
  }
}
