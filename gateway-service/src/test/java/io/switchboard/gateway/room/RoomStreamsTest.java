package io.switchboard.gateway.room;

import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** The fan-out deliveries a gateway instance receives, handed to the rooms it has members in. */
@ExtendWith(VertxExtension.class)
class RoomStreamsTest {

  @Test
  void aMalformedDeliveryIsDroppedAndTheDeliveriesAfterItStillReachTheirRoom(Vertx vertx, VertxTestContext test) {
    InMemoryMessageStore history = new InMemoryMessageStore();
    String epoch = history.state("lobby").result().epoch();
    RoomClient empty = new SoleOwner(room -> Future.succeededFuture(new RoomState(0, epoch)));
    RoomStreams streams = new RoomStreams(vertx, empty, history, "gw/0", 100, 1000);
    StoredMessage first = new StoredMessage("lobby", 1, "alice", "m1", "hello", 1);

    vertx.getOrCreateContext().runOnContext(v -> streams.join("lobby", new RoomStream.Member() {
      @Override
      public void onMessage(StoredMessage message, String frame) {
        test.verify(() -> assertThat(message).isEqualTo(first));
        test.completeNow();
      }

      @Override
      public void onLineageChange(String newEpoch) {
        test.failNow("unexpected lineage change to " + newEpoch);
      }
    }).onComplete(test.succeeding(stream -> {
      streams.offer(new JsonObject().put("room", "lobby").put("messages", "not an array"));
      streams.offer(RoomProtocol.delivery("lobby", epoch, List.of(first)));
    })));
  }

  @Test
  void afterAMergeEveryRoomIsAnnouncedAgainAndWhatWasCommittedMeanwhileIsRepairedFromHistory(Vertx vertx,
                                                                                             VertxTestContext test) {
    InMemoryMessageStore history = new InMemoryMessageStore();
    String epoch = history.state("lobby").result().epoch();
    AtomicInteger announcements = new AtomicInteger();
    RoomClient current = new SoleOwner(room -> {
      announcements.incrementAndGet();
      return history.state(room); // the store's position, as an owner that loaded the room answers
    });
    RoomStreams streams = new RoomStreams(vertx, current, history, "gw/0", 100, 1000);
    List<StoredMessage> committedMeanwhile = List.of(new StoredMessage("lobby", 1, "alice", "m1", "a", 1),
        new StoredMessage("lobby", 2, "bob", "m2", "b", 2));
    List<Long> received = new ArrayList<>();

    vertx.getOrCreateContext().runOnContext(v -> streams.join("lobby", new RoomStream.Member() {
      @Override
      public void onMessage(StoredMessage message, String frame) {
        received.add(message.seq());
        if (received.size() == 2) {
          test.verify(() -> {
            assertThat(received).containsExactly(1L, 2L);
            assertThat(announcements).hasValue(2);
          });
          test.completeNow();
        }
      }

      @Override
      public void onLineageChange(String newEpoch) {
        test.failNow("unexpected lineage change to " + newEpoch);
      }
    }).onComplete(test.succeeding(stream -> {
      // Cut off: the owner dropped this gateway's subscription, and two messages were committed.
      history.append("lobby", epoch, committedMeanwhile).onComplete(test.succeeding(appended -> streams.onRejoin()));
    })));
  }

  /** A room service that owns every room and answers a subscription with {@code position}. */
  private record SoleOwner(Function<String, Future<RoomState>> position) implements RoomClient {
    @Override
    public String ownerOf(String room) {
      return "room-a";
    }

    @Override
    public Future<Long> send(String room, String sender, String clientMsgId, Object body) {
      return Future.failedFuture("not used");
    }

    @Override
    public Future<RoomState> subscribe(String room, String subscriber) {
      return position.apply(room);
    }

    @Override
    public void unsubscribe(String room, String subscriber) {
    }
  }
}
