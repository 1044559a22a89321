package io.switchboard.gateway.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.TestClusterView;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.gateway.GatewayOptions;
import io.switchboard.gateway.ws.ErrorCodes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static io.switchboard.common.cluster.TestClusterView.nodes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * How a gateway reaches room-service shard owners over the event bus, against fake owners on a
 * local event bus: sends coalesced per owner, redirects followed within the deadline, failures
 * reported with the error codes clients see, and each owner behind its own circuit breaker.
 */
@ExtendWith(VertxExtension.class)
class EventBusRoomClientTest {

  private static final String A = "room-a";
  private static final String B = "room-b";
  private static final ShardMap SHARDS = new ShardMap(64);

  private final AtomicReference<SortedSet<String>> roomNodes = new AtomicReference<>(nodes(A));
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private Vertx vertx;
  private Context loop;
  private EventBusRoomClient client;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.loop = vertx.getOrCreateContext();
    this.client = client(5000, 5, System::currentTimeMillis);
  }

  // --- batching ----------------------------------------------------------------------------------

  @Test
  void sendsMadeInOneTurnGoToEachOwnerAsOneBatchInOrderAndEachGetsItsOwnSeq(VertxTestContext test) {
    roomNodes.set(nodes(A, B));
    client.refresh();
    List<String> ofA = roomsOwnedBy(A, 3, A, B);
    List<String> ofB = roomsOwnedBy(B, 2, A, B);

    onLoop(test, () -> Future.all(room(A, sequencing()), room(B, sequencing())).compose(ready -> all(
        client.send(ofA.get(0), "alice", "a1", "x"),
        client.send(ofB.get(0), "alice", "b1", "x"),
        client.send(ofA.get(1), "alice", "a2", "x"),
        client.send(ofA.get(2), "alice", "a3", "x"),
        client.send(ofB.get(1), "alice", "b2", "x"))), seqs -> {
          assertThat(seqs).containsExactly(1L, 1L, 2L, 3L, 2L);
          assertThat(received).extracting(Received::summary).containsExactlyInAnyOrder(
              "room-a send-batch [a1, a2, a3]", "room-b send-batch [b1, b2]");
        });
  }

  @Test
  void aSendAloneInItsTurnIsASingleRequest(VertxTestContext test) {
    onLoop(test, () -> room(A, sequencing()).compose(ready -> client.send("lobby", "alice", "m1", "x")), seq -> {
      assertThat(seq).isEqualTo(1L);
      assertThat(received).extracting(Received::summary).containsExactly("room-a send [m1]");
    });
  }

  // --- redirects -----------------------------------------------------------------------------------

  @Test
  void aSendRefusedWithNotOwnerIsResentToTheOwnerTheNewMembershipNames(VertxTestContext test) {
    onLoop(test, () -> Future.all(room(A, r -> {
      // The shard moved to B: A refuses, and the gateway learns of the new membership.
      roomNodes.set(nodes(B));
      client.refresh();
      return BusError.NOT_OWNER.exception("moved");
    }), room(B, sequencing())).compose(ready -> client.send("lobby", "alice", "m1", "x")), seq -> {
      assertThat(seq).isEqualTo(1L);
      assertThat(received).extracting(Received::summary).containsExactly("room-a send [m1]", "room-b send [m1]");
    });
  }

  @Test
  void aSendOfABatchRefusedWithNotOwnerIsResentAloneWhileTheOthersKeepTheirSeqs(VertxTestContext test) {
    onLoop(test, () -> room(A, r -> r.op().equals(Addresses.RoomOps.SEND_BATCH)
        ? RoomProtocol.sendBatchReply(List.of(RoomProtocol.sendReply(1),
            RoomProtocol.sendFailed(BusError.NOT_OWNER.code(), "moved"), RoomProtocol.sendReply(2)))
        : RoomProtocol.sendReply(3))
        .compose(ready -> all(client.send("lobby", "alice", "m1", "x"), client.send("kitchen", "alice", "m2", "x"),
            client.send("lobby", "alice", "m3", "x"))), seqs -> {
          assertThat(seqs).containsExactly(1L, 3L, 2L);
          assertThat(received).extracting(Received::summary)
              .containsExactly("room-a send-batch [m1, m2, m3]", "room-a send [m2]");
        });
  }

  @Test
  void aRequestToAnOwnerNotListeningYetIsRetriedUntilItIs(VertxTestContext test) {
    onLoop(test, () -> {
      Future<RoomState> subscribed = client.subscribe("lobby", "gw/0");
      vertx.setTimer(150, id -> room(A, r -> RoomProtocol.subscribeReply(7, "e1")));
      return subscribed;
    }, state -> {
      assertThat(state).isEqualTo(new RoomState(7, "e1"));
      assertThat(received).hasSize(1);
    });
  }

  @Test
  void aSendMadeWhileNoRoomServiceIsUpReachesOneThatStartsWithinTheDeadline(VertxTestContext test) {
    roomNodes.set(nodes());
    client.refresh();

    onLoop(test, () -> room(A, sequencing()).compose(ready -> {
      Future<Long> seq = client.send("lobby", "alice", "m1", "x");
      vertx.setTimer(150, id -> {
        roomNodes.set(nodes(A));
        client.refresh();
      });
      return seq;
    }), seq -> assertThat(seq).isEqualTo(1L));
  }

  @Test
  void aSendStillRedirectedAtItsDeadlineFailsAsUnavailableAndTheRedirectsDoNotTripTheBreaker(VertxTestContext test) {
    client = client(300, 2, System::currentTimeMillis);
    AtomicInteger refusals = new AtomicInteger();
    long start = System.currentTimeMillis();

    onLoop(test, () -> room(A, r -> refusals.getAndIncrement() < 1000 ? BusError.NOT_OWNER.exception("moved")
        : RoomProtocol.sendReply(1)).compose(ready -> failure(client.send("lobby", "alice", "m1", "x")))
        .compose(e -> {
          long elapsed = System.currentTimeMillis() - start;
          refusals.set(1000);
          return client.send("lobby", "alice", "m2", "x").map(seq -> List.of(e, elapsed, seq));
        }), results -> {
          assertThat(ErrorCodes.of((Throwable) results.get(0))).isEqualTo(ErrorCode.UNAVAILABLE);
          assertThat((Long) results.get(1)).as("gave up at the deadline").isLessThan(2000);
          assertThat(received.size()).as("requests").isGreaterThan(3);
          assertThat(results.get(2)).as("the owner's breaker stayed closed").isEqualTo(1L);
        });
  }

  // --- deadlines -----------------------------------------------------------------------------------

  @Test
  void anOwnerThatDoesNotAnswerInTimeFailsTheRequestAsATimeout(VertxTestContext test) {
    client = client(200, 5, System::currentTimeMillis);

    onLoop(test, () -> room(A, r -> null).compose(ready -> Future.all(failure(client.send("lobby", "alice", "m1", "x")),
        failure(client.subscribe("lobby", "gw/0")))), all -> {
          assertThat(ErrorCodes.of(all.<Throwable>resultAt(0))).isEqualTo(ErrorCode.TIMEOUT);
          assertThat(ErrorCodes.of(all.<Throwable>resultAt(1))).isEqualTo(ErrorCode.TIMEOUT);
        });
  }

  @Test
  void aSendWhoseDeadlinePassedWhileItsBatchWasRedirectedFailsAsATimeoutWithoutAnotherRequest(VertxTestContext test) {
    AtomicLong now = new AtomicLong(1_000_000);
    client = client(5000, 5, now::get);

    onLoop(test, () -> room(A, r -> {
      now.addAndGet(5000);
      return BusError.NOT_OWNER.exception("moved");
    }).compose(ready -> Future.all(failure(client.send("lobby", "alice", "m1", "x")),
        failure(client.send("lobby", "alice", "m2", "x")))), all -> {
          assertThat(ErrorCodes.of(all.<Throwable>resultAt(0))).isEqualTo(ErrorCode.TIMEOUT);
          assertThat(ErrorCodes.of(all.<Throwable>resultAt(1))).isEqualTo(ErrorCode.TIMEOUT);
          assertThat(received).extracting(Received::summary).containsExactly("room-a send-batch [m1, m2]");
        });
  }

  // --- silent owners: every attempt is bounded ----------------------------------------------------

  @Test
  void anAttemptLeftUnansweredIsResentToTheOwnerOfThatMoment(VertxTestContext test) {
    client = client(5000, 150, 5, System::currentTimeMillis);
    String room = roomsOwnedBy(B, 1, A, B).get(0);

    onLoop(test, () -> Future.all(room(A, r -> {
      // A goes silent; meanwhile B joins and takes the room over, while A is still a member.
      roomNodes.set(nodes(A, B));
      client.refresh();
      return null;
    }), room(B, sequencing())).compose(ready -> client.send(room, "alice", "m1", "x")), seq -> {
      assertThat(seq).isEqualTo(1L);
      assertThat(received).extracting(Received::summary).containsExactly("room-a send [m1]", "room-b send [m1]");
    });
  }

  /**
   * The owner committed the send but never answered (it froze), and the cluster dropped it: the
   * gateway stops waiting at once, and the next owner answers the seq the send already has. The
   * fakes share one store that deduplicates by sender and clientMsgId, as the real owner does
   * (RoomSequencerTest#aNewOwnerWithoutTheDedupeCacheStillReturnsTheOriginalSeq).
   */
  @Test
  void aSendWaitingForAnOwnerThatLeavesIsResentAtOnceAndGetsTheSeqItsFirstAttemptCommitted(VertxTestContext test) {
    client = client(60_000, 60_000, 5, System::currentTimeMillis);
    Map<String, Long> store = new HashMap<>();

    onLoop(test, () -> Future.all(room(A, r -> {
      committing(store).apply(r); // commits, then freezes before it answers, and is dropped
      roomNodes.set(nodes(B));
      client.refresh();
      return null;
    }), room(B, committing(store))).compose(ready -> client.send("lobby", "alice", "m1", "x"))
        .compose(first -> client.send("lobby", "alice", "m2", "x").map(second -> List.of(first, second))), seqs -> {
          assertThat(seqs).containsExactly(1L, 2L);
          assertThat(store).as("one message per clientMsgId").containsOnlyKeys("alice/m1", "alice/m2");
          assertThat(received).extracting(Received::summary)
              .containsExactly("room-a send [m1]", "room-b send [m1]", "room-b send [m2]");
        });
  }

  @Test
  void aBatchLeftUnansweredIsResentSendBySendToTheOwnerOfThatMoment(VertxTestContext test) {
    client = client(5000, 150, 5, System::currentTimeMillis);
    List<String> rooms = roomsOwnedBy(B, 2, A, B);

    onLoop(test, () -> Future.all(room(A, r -> {
      roomNodes.set(nodes(A, B));
      client.refresh();
      return null;
    }), room(B, sequencing())).compose(ready -> all(client.send(rooms.get(0), "alice", "m1", "x"),
        client.send(rooms.get(1), "alice", "m2", "x"))), seqs -> {
          assertThat(seqs).containsExactlyInAnyOrder(1L, 2L);
          assertThat(received).extracting(Received::summary).containsExactlyInAnyOrder(
              "room-a send-batch [m1, m2]", "room-b send [m1]", "room-b send [m2]");
        });
  }

  @Test
  void unansweredAttemptsDoNotTripTheBreakerSoTheNextOwnerGetsTheRequestWhenTheSilentOneIsDropped(VertxTestContext test) {
    client = client(5000, 50, 2, System::currentTimeMillis);
    AtomicInteger attempts = new AtomicInteger();

    onLoop(test, () -> Future.all(room(A, r -> {
      if (attempts.incrementAndGet() == 4) {
        roomNodes.set(nodes(B));
        client.refresh();
      }
      return null;
    }), room(B, sequencing())).compose(ready -> client.send("lobby", "alice", "m1", "x")), seq -> {
      assertThat(seq).isEqualTo(1L);
      assertThat(received).extracting(Received::summary).containsExactly("room-a send [m1]", "room-a send [m1]",
          "room-a send [m1]", "room-a send [m1]", "room-b send [m1]");
    });
  }

  @Test
  void requestsThatRunOutOfTimeAtAnOwnerTripItsBreakerSoLaterOnesFailAsUnavailableWithoutReachingIt(VertxTestContext test) {
    client = client(200, 100, 2, System::currentTimeMillis);

    onLoop(test, () -> room(A, r -> null)
        .compose(ready -> failure(client.send("lobby", "alice", "m1", "x")))
        .compose(first -> failure(client.send("lobby", "alice", "m2", "x")).map(second -> List.of(first, second)))
        .compose(twoTimeouts -> failure(client.send("lobby", "alice", "m3", "x")).map(third -> List.of(
            ErrorCodes.of(twoTimeouts.get(0)), ErrorCodes.of(twoTimeouts.get(1)), ErrorCodes.of(third)))),
        codes -> {
          assertThat(codes).containsExactly(ErrorCode.TIMEOUT, ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE);
          assertThat(received).extracting(Received::summary).as("m1 was tried again before it ran out of time")
              .startsWith("room-a send [m1]", "room-a send [m1]")
              .doesNotContain("room-a send [m3]");
        });
  }

  // --- circuit breaker -----------------------------------------------------------------------------

  @Test
  void afterRepeatedFailuresAnOwnersBreakerOpensSoItsRequestsFailAsUnavailableWithoutReachingIt(VertxTestContext test) {
    roomNodes.set(nodes(A, B));
    client = client(5000, 2, System::currentTimeMillis);
    String ofA = roomsOwnedBy(A, 1, A, B).get(0);
    String ofB = roomsOwnedBy(B, 1, A, B).get(0);

    onLoop(test, () -> Future.all(room(A, r -> BusError.INTERNAL.exception("bug")), room(B, sequencing()))
        .compose(ready -> failure(client.send(ofA, "alice", "m1", "x")))
        .compose(first -> failure(client.send(ofA, "alice", "m2", "x")).map(second -> List.of(first, second)))
        .compose(twoFailures -> failure(client.send(ofA, "alice", "m3", "x"))
            .compose(third -> client.send(ofB, "alice", "m4", "x").map(seq -> List.of(
                ErrorCodes.of(twoFailures.get(0)), ErrorCodes.of(twoFailures.get(1)), ErrorCodes.of(third), seq)))),
        results -> {
          assertThat(results).containsExactly(ErrorCode.INTERNAL, ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE, 1L);
          assertThat(received).extracting(Received::summary)
              .containsExactly("room-a send [m1]", "room-a send [m2]", "room-b send [m4]");
        });
  }

  @Test
  void aSendTheEventBusCannotEncodeFailsAloneAsUnprocessableWithoutTrippingTheBreaker(VertxTestContext test) {
    client = client(5000, 2, System::currentTimeMillis);
    Object unencodable = new Object();

    onLoop(test, () -> room(A, sequencing())
        .compose(ready -> Future.all(client.send("lobby", "alice", "m1", "x"),
            failure(client.send("lobby", "alice", "bad1", unencodable)), client.send("lobby", "alice", "m2", "x")))
        .compose(batch -> failure(client.send("lobby", "alice", "bad2", unencodable))
            .compose(bad2 -> failure(client.send("lobby", "alice", "bad3", unencodable)))
            .compose(bad3 -> client.send("lobby", "alice", "m3", "x"))
            .map(seq -> List.of(batch.resultAt(0), ErrorCodes.of(batch.resultAt(1)), batch.resultAt(2), seq))),
        results -> {
          assertThat(results).containsExactly(1L, ErrorCode.UNPROCESSABLE, 2L, 3L);
          assertThat(received).extracting(Received::summary)
              .containsExactly("room-a send [m1]", "room-a send [m2]", "room-a send [m3]");
        });
  }

  // --- replies -------------------------------------------------------------------------------------

  @Test
  void aSubscriptionAnswersTheOwnersTopAndEpochAndAnUnsubscribeReachesTheOwner(VertxTestContext test) {
    onLoop(test, () -> room(A, r -> r.op().equals(Addresses.RoomOps.SUBSCRIBE) ? RoomProtocol.subscribeReply(7, "e1") : null)
        .compose(ready -> client.subscribe("lobby", "gw/0"))
        .compose(state -> {
          client.unsubscribe("lobby", "gw/0");
          return vertx.timer(100).map(state);
        }), state -> {
          assertThat(state).isEqualTo(new RoomState(7, "e1"));
          assertThat(received).extracting(Received::op, Received::body).containsExactly(
              tuple(Addresses.RoomOps.SUBSCRIBE, RoomProtocol.subscription("lobby", "gw/0")),
              tuple(Addresses.RoomOps.UNSUBSCRIBE, RoomProtocol.subscription("lobby", "gw/0")));
        });
  }

  @Test
  void aMalformedReplyFailsItsSendsAsInternalInsteadOfAcknowledgingThem(VertxTestContext test) {
    onLoop(test, () -> room(A, r -> r.op().equals(Addresses.RoomOps.SEND)
        ? new JsonObject()
        : RoomProtocol.sendBatchReply(List.of(RoomProtocol.sendReply(1))))
        .compose(ready -> failure(client.send("lobby", "alice", "alone", "x")))
        .compose(alone -> Future.all(failure(client.send("lobby", "alice", "m1", "x")),
            failure(client.send("lobby", "alice", "m2", "x"))).map(batch -> List.of(alone, batch.resultAt(0), batch.resultAt(1)))),
        failures -> assertThat(failures).extracting(e -> ErrorCodes.of((Throwable) e))
            .containsOnly(ErrorCode.INTERNAL));
  }

  // --- helpers -------------------------------------------------------------------------------------

  private EventBusRoomClient client(int requestTimeoutMs, int breakerMaxFailures, LongSupplier clock) {
    return client(requestTimeoutMs, 1000, breakerMaxFailures, clock);
  }

  private EventBusRoomClient client(int requestTimeoutMs, int attemptTimeoutMs, int breakerMaxFailures, LongSupplier clock) {
    GatewayOptions options = GatewayOptions.from(new ConfigSource(new JsonObject(), Map.of(
        ConfigSource.envName("gateway.requestTimeoutMs"), String.valueOf(requestTimeoutMs),
        ConfigSource.envName("gateway.roomAttemptTimeoutMs"), String.valueOf(attemptTimeoutMs),
        ConfigSource.envName("gateway.breakerMaxFailures"), String.valueOf(breakerMaxFailures),
        ConfigSource.envName("gateway.breakerResetMs"), "60000")));
    return new EventBusRoomClient(vertx, new TestClusterView("gateway", roomNodes), SHARDS, options, clock);
  }

  /**
   * A fake room-service instance on the client's event loop. {@code answer} gives a reply, a
   * {@link ReplyException} to fail the request with, or null to leave it unanswered.
   */
  private Future<Void> room(String node, Function<Received, Object> answer) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.roomNode(node), m -> {
      Received r = new Received(node, m.headers().get(Addresses.OP), m.body());
      received.add(r);
      Object reply = answer.apply(r);
      if (reply instanceof ReplyException e) {
        m.fail(e.failureCode(), e.getMessage());
      } else if (reply != null) {
        m.reply(reply);
      }
    }).completion();
  }

  /** An owner that commits every send, numbering them from 1. */
  private static Function<Received, Object> sequencing() {
    AtomicLong top = new AtomicLong();
    return r -> switch (r.op()) {
      case Addresses.RoomOps.SEND -> RoomProtocol.sendReply(top.incrementAndGet());
      case Addresses.RoomOps.SEND_BATCH -> RoomProtocol.sendBatchReply(r.body().getJsonArray("sends").stream()
          .map(s -> RoomProtocol.sendReply(top.incrementAndGet())).toList());
      case Addresses.RoomOps.SUBSCRIBE -> RoomProtocol.subscribeReply(top.get(), "e1");
      default -> null;
    };
  }

  /**
   * An owner that commits every send to {@code store}, keyed by sender and clientMsgId as the real
   * owner deduplicates: a send already there answers its seq instead of taking the next one.
   */
  private static Function<Received, Object> committing(Map<String, Long> store) {
    return r -> {
      String key = r.body().getString("sender") + "/" + r.body().getString("clientMsgId");
      if (!store.containsKey(key)) {
        store.put(key, store.size() + 1L);
      }
      return RoomProtocol.sendReply(store.get(key));
    };
  }

  /**
   * Runs {@code steps} on the client's event loop, then checks their result there. A failed step
   * is reported by its description: JUnit cannot rewrite the stack trace of every failure
   * (an {@code OpenCircuitException} refuses it).
   */
  private <T> void onLoop(VertxTestContext test, Supplier<Future<T>> steps, Consumer<T> check) {
    loop.runOnContext(v -> steps.get().onComplete(ar -> {
      if (ar.failed()) {
        test.failNow(new AssertionError("a step failed: " + ar.cause()));
        return;
      }
      test.verify(() -> {
        check.accept(ar.result());
        test.completeNow();
      });
    }));
  }

  @SafeVarargs
  private static <T> Future<List<T>> all(Future<T>... futures) {
    return Future.all(List.of(futures)).map(done -> done.list());
  }

  /** The failure a future ended with; a success fails the test. */
  private static Future<Throwable> failure(Future<?> future) {
    return future.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))
        : Future.succeededFuture(ar.cause()));
  }

  /** {@code count} distinct rooms whose shard {@code node} owns among {@code members}. */
  private static List<String> roomsOwnedBy(String node, int count, String... members) {
    ShardMap.Owners owners = SHARDS.owners(List.of(members));
    return IntStream.range(0, 1000).mapToObj(i -> "room-" + i).filter(r -> node.equals(owners.ownerOf(r)))
        .limit(count).toList();
  }

  /** A request a fake owner received. */
  private record Received(String node, String op, JsonObject body) {

    /** Node, op and the clientMsgIds of its sends, e.g. {@code room-a send-batch [m1, m2]}. */
    String summary() {
      List<String> ids = new ArrayList<>();
      if (Addresses.RoomOps.SEND_BATCH.equals(op)) {
        body.getJsonArray("sends").forEach(s -> ids.add(((JsonObject) s).getString("clientMsgId")));
      } else {
        ids.add(body.getString("clientMsgId"));
      }
      return node + " " + op + " " + ids;
    }
  }
}
