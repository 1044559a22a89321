package io.switchboard.room.sequencer;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.SubscriberIds;
import io.switchboard.common.cluster.TestClusterView;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.shard.ShardOwnership;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static io.switchboard.common.cluster.TestClusterView.nodes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rooms one room-service instance sequences: only those of the shards it owns, handed over when
 * membership moves a shard, fenced by the store when two instances both believe they own a room,
 * and forgotten when idle.
 */
@ExtendWith(VertxExtension.class)
class RoomRegistryTest {

  private static final String A = "room-a";
  private static final String B = "room-b";
  private static final ShardMap SHARDS = new ShardMap(64);
  private static final SequencerOptions OPTIONS = SequencerOptions.defaults();

  private final InMemoryMessageStore store = new InMemoryMessageStore();
  private final RecordingFanOut fanOut = new RecordingFanOut();
  /** The room-service members every registry of a test sees, unless it is given a view of its own. */
  private final AtomicReference<SortedSet<String>> roomNodes = new AtomicReference<>(nodes(A));
  private final AtomicLong clock = new AtomicLong(1_000);
  private Vertx vertx;
  private Context loop;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.loop = vertx.getOrCreateContext();
  }

  @Test
  void sendsToARoomOfAnOwnedShardAreSequencedInOrderAndStored(VertxTestContext test) {
    RoomRegistry a = registry(A);

    onLoop(test, () -> a.send("lobby", "alice", "m1", "one")
        .compose(first -> a.send("lobby", "bob", "m2", "two").map(second -> List.of(first, second))), seqs -> {
          assertThat(seqs).containsExactly(1L, 2L);
          assertThat(stored("lobby")).containsExactly("m1", "m2");
          assertThat(a.size()).isEqualTo(1);
        });
  }

  @Test
  void aRoomOfAShardAnotherInstanceOwnsIsRefusedWithNotOwnerAndNeitherLoadedNorWritten(VertxTestContext test) {
    roomNodes.set(nodes(A, B));
    String theirs = roomOwnedBy(B, A, B);
    RoomRegistry a = registry(A);

    onLoop(test, () -> Future.all(failure(a.send(theirs, "alice", "m1", "x")), failure(a.subscribe(theirs, "gw/0")))
        .map(all -> all.<BusError>list()), errors -> {
          assertThat(errors).containsOnly(BusError.NOT_OWNER);
          assertThat(a.size()).isZero();
          assertThat(stored(theirs)).isEmpty();
        });
  }

  @Test
  void aMembershipChangeHandsOverTheRoomsThatMovedAndKeepsServingTheOthers(VertxTestContext test) {
    String staying = roomOwnedBy(A, A, B);
    String moving = roomOwnedBy(B, A, B);
    RoomRegistry a = registry(A);

    onLoop(test, () -> Future.all(a.send(staying, "alice", "m1", "x"), a.send(moving, "alice", "m1", "x"))
        .compose(sent -> {
          roomNodes.set(nodes(A, B));
          a.onMembershipChange(Set.of());
          return Future.all(failure(a.send(moving, "alice", "m2", "y")), a.send(staying, "alice", "m2", "y"));
        }), all -> {
          assertThat(all.<BusError>resultAt(0)).isEqualTo(BusError.NOT_OWNER);
          assertThat(all.<Long>resultAt(1)).isEqualTo(2L);
          assertThat(a.size()).as("rooms kept").isEqualTo(1);
          assertThat(stored(moving)).containsExactly("m1");
        });
  }

  @Test
  void aRoomThatMovesAwayAndBackContinuesAfterWhatTheOtherOwnerCommitted(VertxTestContext test) {
    String room = roomOwnedBy(B, A, B);
    RoomRegistry a = registry(A);
    RoomRegistry b = registry(B);

    onLoop(test, () -> a.send(room, "alice", "m1", "x")
        .compose(v -> {
          roomNodes.set(nodes(A, B));
          a.onMembershipChange(Set.of());
          b.onMembershipChange(Set.of());
          return b.send(room, "alice", "m2", "x");
        })
        .compose(v -> {
          roomNodes.set(nodes(A));
          a.onMembershipChange(Set.of());
          b.onMembershipChange(Set.of());
          return Future.all(a.send(room, "alice", "m3", "x"), failure(b.send(room, "alice", "m4", "x")));
        }), all -> {
          assertThat(all.<Long>resultAt(0)).isEqualTo(3L);
          assertThat(all.<BusError>resultAt(1)).isEqualTo(BusError.NOT_OWNER);
          assertThat(stored(room)).containsExactly("m1", "m2", "m3");
        });
  }

  @Test
  void aStoppingInstanceRefusesEveryRoomWithNotOwnerAndFinishesOnceItsBatchInFlightIsAcknowledged(
      VertxTestContext test) {
    HeldAppends held = new HeldAppends(store);
    RoomRegistry a = new RoomRegistry(new ShardOwnership(new TestClusterView(A, roomNodes), SHARDS), held, fanOut,
        new SequencerOptions(1, 100, 100, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofMinutes(1),
            Duration.ofSeconds(10)), vertx, clock::get, LogLimiter.perMinute(10));
    List<Future<?>> requests = new ArrayList<>();
    List<Future<Void>> handedOver = new ArrayList<>();

    onLoop(test, () -> {
      requests.add(a.send("lobby", "alice", "in-flight", "x"));
      requests.add(failure(a.send("lobby", "alice", "queued", "x")));
      handedOver.add(a.handOver());
      // Its view of the membership still makes it the owner of every room: it refuses them anyway.
      requests.add(failure(a.send("lobby", "bob", "late", "x")));
      requests.add(failure(a.subscribe("other-room", "gw/0")));
      assertThat(handedOver.get(0).isComplete()).as("handed over while a batch is being committed").isFalse();
      held.release();
      return handedOver.get(0).compose(v -> Future.all(requests));
    }, all -> {
      assertThat(all.<Object>list()).containsExactly(1L, BusError.NOT_OWNER, BusError.NOT_OWNER, BusError.NOT_OWNER);
      assertThat(a.size()).isZero();
      assertThat(stored("lobby")).containsExactly("in-flight");
    });
  }

  @Test
  void anInstanceMergingBackAfterASplitForgetsItsRoomsAndReloadsThemFromTheStore(VertxTestContext test) {
    // A split: A and B each see only themselves. A held the room before; B took it over meanwhile.
    RoomRegistry a = registry(A, new AtomicReference<>(nodes(A)));
    RoomRegistry b = registry(B, new AtomicReference<>(nodes(B)));
    String room = "split-room";

    onLoop(test, () -> a.send(room, "alice", "m1", "x")
        .compose(v -> b.send(room, "bob", "m2", "y"))
        .compose(v -> {
          a.onMergeStart();
          assertThat(a.size()).as("rooms A still holds").isZero();
          // After the merge A owns the room again: a gateway announcing itself gets the store's top.
          return a.subscribe(room, SubscriberIds.of("gateway", 0));
        })
        .compose(state -> a.send(room, "alice", "m3", "z").map(seq -> List.of(state.top(), seq))), seqs -> {
          assertThat(seqs).as("top announced after the merge, then the next seq").containsExactly(2L, 3L);
          assertThat(stored(room)).containsExactly("m1", "m2", "m3");
        });
  }

  @Test
  void twoInstancesThatBothBelieveTheyOwnARoomAreFencedByTheStoreAndTheRoomStaysGapFree(VertxTestContext test) {
    // A partition: each instance sees only itself, so both own every room.
    RoomRegistry a = registry(A, new AtomicReference<>(nodes(A)));
    RoomRegistry b = registry(B, new AtomicReference<>(nodes(B)));

    onLoop(test, () -> a.send("lobby", "alice", "a1", "x")
        .compose(v -> b.send("lobby", "bob", "b1", "x"))
        // a's room still has top 1: its append of seq 2 is refused, and it continues from the store's top.
        .compose(v -> a.send("lobby", "alice", "a2", "x"))
        .compose(third -> b.send("lobby", "bob", "b1", "x").map(retry -> List.of(third, retry))), seqs -> {
          assertThat(seqs).as("a2, then b1 retried").containsExactly(3L, 2L);
          assertThat(stored("lobby")).containsExactly("a1", "b1", "a2");
        });
  }

  @Test
  void aMembershipChangeDropsTheSubscribersWhoseGatewayLeft(VertxTestContext test) {
    RoomRegistry a = registry(A);

    onLoop(test, () -> Future.all(a.subscribe("lobby", "gw-1/0"), a.subscribe("lobby", "gw-2/0"))
        .compose(subscribed -> {
          a.onMembershipChange(Set.of("gw-1"));
          return a.send("lobby", "alice", "m1", "x");
        }), seq -> assertThat(fanOut.deliveries).containsExactly(List.of("gw-1/0")));
  }

  @Test
  void anUnsubscribedGatewayGetsNoMoreDeliveriesAndUnsubscribingFromAnUnknownRoomIsHarmless(VertxTestContext test) {
    RoomRegistry a = registry(A);

    onLoop(test, () -> Future.all(a.subscribe("lobby", "gw-1/0"), a.subscribe("lobby", "gw-2/0"))
        .compose(subscribed -> {
          a.unsubscribe("lobby", "gw-2/0");
          a.unsubscribe("nowhere", "gw-1/0");
          return a.send("lobby", "alice", "m1", "x");
        }), seq -> {
          assertThat(fanOut.deliveries).containsExactly(List.of("gw-1/0"));
          assertThat(a.size()).isEqualTo(1);
        });
  }

  @Test
  void aSubscriptionAnswersTheRoomsCommittedTopAndEpoch(VertxTestContext test) {
    RoomRegistry a = registry(A);

    onLoop(test, () -> a.send("lobby", "alice", "m1", "x").compose(seq -> a.subscribe("lobby", "gw-1/0")), state -> {
      assertThat(state.top()).isEqualTo(1);
      assertThat(state.epoch()).isEqualTo(store.state("lobby").result().epoch());
    });
  }

  @Test
  void roomsQuietForTheIdleEvictionTimeAreForgottenButNotSubscribedOnesAndReloadTheirStateOnNextUse(
      VertxTestContext test) {
    RoomRegistry a = registry(A);
    long idle = OPTIONS.idleEviction().toMillis();

    onLoop(test, () -> a.send("quiet", "alice", "m1", "x")
        .compose(v -> a.subscribe("watched", "gw-1/0"))
        .compose(v -> {
          clock.addAndGet(idle);
          int notYet = a.evictIdle();
          clock.incrementAndGet();
          int evicted = a.evictIdle();
          int size = a.size();
          return a.send("quiet", "alice", "m2", "y").map(seq -> List.of((long) notYet, (long) evicted, (long) size, seq));
        }), results -> {
          assertThat(results).as("evicted at idle, evicted after idle, rooms kept, next seq")
              .containsExactly(0L, 1L, 1L, 2L);
          assertThat(stored("quiet")).containsExactly("m1", "m2");
        });
  }

  // --- helpers -------------------------------------------------------------------------------

  private RoomRegistry registry(String self) {
    return registry(self, roomNodes);
  }

  private RoomRegistry registry(String self, AtomicReference<SortedSet<String>> view) {
    return new RoomRegistry(new ShardOwnership(new TestClusterView(self, view), SHARDS), store, fanOut, OPTIONS, vertx,
        clock::get, LogLimiter.perMinute(10));
  }

  /** Runs {@code steps} on the registries' event loop, then checks their result there. */
  private <T> void onLoop(VertxTestContext test, Supplier<Future<T>> steps, Consumer<T> check) {
    loop.runOnContext(v -> steps.get().onComplete(test.succeeding(result -> test.verify(() -> {
      check.accept(result);
      test.completeNow();
    }))));
  }

  /** The bus error a future failed with; a success fails the test. */
  private static Future<BusError> failure(Future<?> future) {
    return future.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))
        : Future.succeededFuture(BusError.of(ar.cause())));
  }

  private List<String> stored(String room) {
    return store.after(room, 0, 100).result().messages().stream().map(StoredMessage::clientMsgId).toList();
  }

  /** A room whose shard {@code node} owns among {@code members}. */
  private static String roomOwnedBy(String node, String... members) {
    ShardMap.Owners owners = SHARDS.owners(List.of(members));
    return IntStream.range(0, 1000).mapToObj(i -> "room-" + i).filter(r -> node.equals(owners.ownerOf(r)))
        .findFirst().orElseThrow();
  }

  /** The subscribers of each fan-out event, in order. */
  private static final class RecordingFanOut implements FanOut {
    final List<List<String>> deliveries = new ArrayList<>();

    @Override
    public void deliver(Collection<String> subscribers, String room, String epoch, List<StoredMessage> messages) {
      deliveries.add(List.copyOf(subscribers));
    }
  }
}
