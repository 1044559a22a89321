package io.switchboard.gateway.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.MalformedBusMessageException;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.gateway.GatewayOptions;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.LongSupplier;

/**
 * Routes room requests to the shard owner over the event bus. Every hop is bounded: an attempt
 * gets {@code gateway.roomAttemptTimeoutMs} (the last one what is left of the request's deadline),
 * and a request whose owner did not answer in time, moved ({@code NOT_OWNER}), is not listening
 * yet, or left the cluster while it waited, is tried again at the owner recomputed at that moment,
 * until the deadline. Resending is safe: the owner and the store deduplicate a send by its
 * {@code clientMsgId}, so one that did commit answers its original seq.
 *
 * <p>Each owner sits behind its own circuit breaker, which counts a request there as failed when
 * the owner answers with a failure or lets its deadline pass. A silent member is dropped by the
 * cluster before the deadline of the requests waiting for it, so they end at its breaker as
 * redirected, not failed, and go on to the next owner: only an owner that stays in the cluster
 * and keeps silent opens its breaker.
 *
 * <p>Sends are coalesced: those made during one event-loop turn go to each owner as a single
 * request, so a busy gateway pays one event-bus round trip per owner and turn rather than per
 * message. A lone send, and any send that must be tried again, takes the single-request path.
 * Event-loop confined (one per gateway verticle).
 */
public final class EventBusRoomClient implements RoomClient {

  private static final Logger log = LoggerFactory.getLogger(EventBusRoomClient.class);

  private static final long MAX_RETRY_DELAY_MS = 400;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final ShardMap shards;
  private final GatewayOptions options;
  private final LongSupplier clock;
  private final Map<String, CircuitBreaker> breakers = new HashMap<>();
  private final AwaitedOwners awaited = new AwaitedOwners();
  /** Sends waiting for the end of the current event-loop turn, by owner. */
  private final Map<String, List<PendingSend>> outgoing = new HashMap<>();
  private boolean flushScheduled;
  private SortedSet<String> roomNodes;
  private ShardMap.Owners owners;

  /** @param clock the time request deadlines are measured on, in milliseconds */
  public EventBusRoomClient(Vertx vertx, ClusterView cluster, ShardMap shards, GatewayOptions options, LongSupplier clock) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.shards = shards;
    this.options = options;
    this.clock = clock;
    refresh();
  }

  /** Re-reads the room-service members; call on every membership change. */
  public void refresh() {
    SortedSet<String> now = cluster.members(Role.ROOM);
    if (!now.equals(roomNodes)) {
      roomNodes = now;
      owners = shards.owners(now);
    }
    breakers.keySet().retainAll(roomNodes);
    awaited.retain(roomNodes);
  }

  @Override
  public String ownerOf(String room) {
    return owners.ownerOf(room);
  }

  @Override
  public Future<Long> send(String room, String sender, String clientMsgId, Object body) {
    PendingSend send = new PendingSend(room, RoomProtocol.send(room, sender, clientMsgId, body), deadline(),
        Promise.promise());
    String owner = ownerOf(room);
    if (owner == null) {
      sendAlone(send);
    } else {
      outgoing.computeIfAbsent(owner, o -> new ArrayList<>()).add(send);
      if (!flushScheduled) {
        flushScheduled = true;
        vertx.runOnContext(v -> flush());
      }
    }
    return send.seq.future();
  }

  private void flush() {
    flushScheduled = false;
    List<Map.Entry<String, List<PendingSend>>> batches = List.copyOf(outgoing.entrySet());
    outgoing.clear();
    for (Map.Entry<String, List<PendingSend>> batch : batches) {
      if (batch.getValue().size() == 1) {
        sendAlone(batch.getValue().get(0));
      } else {
        sendBatch(batch.getKey(), batch.getValue());
      }
    }
  }

  /** One send on its own request, with the redirect and retry handling of every other request. */
  private void sendAlone(PendingSend send) {
    attempt(send.room, Addresses.RoomOps.SEND, send.request, send.deadline, 0)
        .map(RoomProtocol::decodeSendReply)
        .onComplete(send.seq);
  }

  private void sendBatch(String owner, List<PendingSend> sends) {
    JsonObject body = RoomProtocol.sendBatch(sends.stream().map(PendingSend::request).toList());
    breaker(owner).<JsonObject>execute(() -> ask(owner, Addresses.RoomOps.SEND_BATCH, body, sends.get(0).deadline)
            .recover(e -> isRetry(e) || e instanceof Unencodable ? Future.succeededFuture(null) : Future.failedFuture(e)))
        .onSuccess(reply -> {
          if (reply == null) {
            // Unanswered, moved or not listening yet, or one of the sends cannot be encoded: route
            // each send again on its own, so only an unencodable one fails.
            sends.forEach(this::sendAlone);
            return;
          }
          List<RoomProtocol.SendResult> results;
          try {
            results = RoomProtocol.decodeSendBatchReply(reply, sends.size());
          } catch (MalformedBusMessageException e) {
            sends.forEach(send -> send.seq.fail(e));
            return;
          }
          for (int i = 0; i < sends.size(); i++) {
            settle(sends.get(i), results.get(i));
          }
        })
        .onFailure(e -> sends.forEach(send -> send.seq.fail(e)));
  }

  /** One send's result in a batch; a send the owner no longer owns is resent on its own, as any redirect. */
  private void settle(PendingSend send, RoomProtocol.SendResult result) {
    if (result instanceof RoomProtocol.SendResult.Committed committed) {
      send.seq.complete(committed.seq());
      return;
    }
    ReplyException failure = ((RoomProtocol.SendResult.Failed) result).exception();
    if (isRedirect(failure)) {
      sendAlone(send);
    } else {
      send.seq.fail(failure);
    }
  }

  @Override
  public Future<RoomState> subscribe(String room, String subscriber) {
    return attempt(room, Addresses.RoomOps.SUBSCRIBE, RoomProtocol.subscription(room, subscriber), deadline(), 0)
        .map(RoomProtocol::decodeSubscribeReply);
  }

  @Override
  public void unsubscribe(String room, String subscriber) {
    String owner = ownerOf(room);
    if (owner != null) {
      vertx.eventBus().send(Addresses.roomNode(owner), RoomProtocol.subscription(room, subscriber),
          new DeliveryOptions().addHeader(Addresses.OP, Addresses.RoomOps.UNSUBSCRIBE));
    }
  }

  /** The deadline of a request made now, retries included. */
  private long deadline() {
    return clock.getAsLong() + options.requestTimeout().toMillis();
  }

  /**
   * One try of a request at the room's current owner. A try that must be repeated (see
   * {@link #isRetry}) is, at the owner recomputed by then, for as long as the deadline allows.
   */
  private Future<JsonObject> attempt(String room, String op, JsonObject body, long deadline, int attempt) {
    if (deadline - clock.getAsLong() <= 0) {
      return Future.failedFuture(new ReplyException(ReplyFailure.TIMEOUT, "room " + room + " did not answer in time"));
    }
    String owner = ownerOf(room);
    if (owner == null) {
      return retryOrFail(room, op, body, deadline, attempt,
          BusError.UNAVAILABLE.exception("no room-service instance is running"));
    }
    return breaker(owner).<Outcome>execute(() -> askWhileOwner(room, owner, op, body, deadline))
        // An open breaker says "not this owner, not now": during a rolling restart the room may move
        // to another owner within the deadline, so it is retried like a redirect, not failed at once.
        .recover(e -> e instanceof OpenCircuitException ? Future.succeededFuture(Outcome.retry(e)) : Future.failedFuture(e))
        .compose(outcome -> {
          if (outcome.retry instanceof Unencodable) {
            // The client's message, not the owner, is at fault: fail it alone, without tripping the breaker.
            return Future.failedFuture(
                BusError.UNPROCESSABLE.exception("the message cannot be encoded: " + outcome.retry.getMessage()));
          }
          if (outcome.retry == null) {
            return Future.succeededFuture(outcome.reply);
          }
          return retryOrFail(room, op, body, deadline, attempt, outcome.retry);
        });
  }

  /**
   * Asks {@code owner}, again after each attempt it leaves unanswered, for as long as it owns the
   * room. To its breaker that is one request: a failure if the owner answers with one or lets the
   * deadline pass, a success otherwise, also when the room moves or the owner leaves the cluster
   * meanwhile (the outcome then says to try the next owner).
   */
  private Future<Outcome> askWhileOwner(String room, String owner, String op, JsonObject body, long deadline) {
    return ask(owner, op, body, deadline).map(Outcome::ok).recover(e -> {
      if (e instanceof Unanswered && owner.equals(ownerOf(room))) {
        return askWhileOwner(room, owner, op, body, deadline);
      }
      return isRetry(e) || e instanceof Unencodable ? Future.succeededFuture(Outcome.retry(e)) : Future.failedFuture(e);
    });
  }

  /**
   * Tries again: at once after an attempt that went unanswered (it has waited already; if that used
   * up the deadline, the request fails as a time-out), after a capped backoff following a redirect
   * (the membership is changing).
   */
  private Future<JsonObject> retryOrFail(String room, String op, JsonObject body, long deadline, int attempt,
                                         Throwable last) {
    if (last instanceof Unanswered) {
      return attempt(room, op, body, deadline, attempt + 1);
    }
    long delay = Math.min(MAX_RETRY_DELAY_MS, 25L << Math.min(attempt, 5));
    if (clock.getAsLong() + delay >= deadline) {
      // Redirected until the deadline: this gateway's view of the room services and theirs differ.
      log.atWarn().addKeyValue("room", room).addKeyValue("owner", ownerOf(room))
          .addKeyValue("roomNodes", cluster.members(Role.ROOM)).addKeyValue("attempts", attempt + 1)
          .log("room request redirected until its deadline: {}", last.toString());
      return Future.failedFuture(last);
    }
    return vertx.timer(delay).compose(v -> attempt(room, op, body, deadline, attempt + 1));
  }

  /**
   * One attempt at {@code owner}, bounded by the attempt time-out. The last attempt gets all that is
   * left of the deadline (so a request never ends on a sliver of an attempt) and, unanswered, fails
   * as a time-out. An earlier one that goes unanswered, or any whose owner leaves the cluster first,
   * fails with {@link Unanswered}.
   */
  private Future<JsonObject> ask(String owner, String op, JsonObject body, long deadline) {
    long remaining = Math.max(1, deadline - clock.getAsLong());
    long attemptTimeout = options.roomAttemptTimeout().toMillis();
    boolean last = remaining < attemptTimeout * 3 / 2;
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(last ? remaining : attemptTimeout)
        .addHeader(Addresses.OP, op);
    return awaited.await(owner, request(owner, body, delivery))
        .map(Message::body)
        .recover(e -> Future.failedFuture(e instanceof AwaitedOwners.OwnerLeftException || (BusError.isTimeout(e) && !last)
            ? new Unanswered(e) : e));
  }

  /**
   * A request to {@code owner}. The clustered event bus encodes the body when it is sent, and
   * throws if it cannot (for example, JSON nested deeper than the codec allows): that becomes a
   * failed future, so one bad message cannot break the caller's loop.
   */
  private Future<Message<JsonObject>> request(String owner, JsonObject body, DeliveryOptions delivery) {
    try {
      return vertx.eventBus().request(Addresses.roomNode(owner), body, delivery);
    } catch (RuntimeException e) {
      return Future.failedFuture(new Unencodable(e));
    }
  }

  /** A request the event bus could not encode. */
  private static final class Unencodable extends RuntimeException {
    Unencodable(RuntimeException cause) {
      super(String.valueOf(cause.getMessage()), cause, false, false);
    }
  }

  /** An attempt that did not get an answer while the request has time left: ask the owner of the moment. */
  private static final class Unanswered extends RuntimeException {
    Unanswered(Throwable cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  /** A failed attempt that says nothing against the owner, so the request is tried again. */
  private static boolean isRetry(Throwable e) {
    return e instanceof Unanswered || isRedirect(e);
  }

  /** The owner moved, or the new owner has not bound its address yet: ask again, it is not a failure. */
  private static boolean isRedirect(Throwable e) {
    return BusError.isNoHandlers(e) || (e instanceof ReplyException && BusError.of(e) == BusError.NOT_OWNER);
  }

  private CircuitBreaker breaker(String owner) {
    return breakers.computeIfAbsent(owner, id -> CircuitBreaker.create("room-" + id, vertx,
        new CircuitBreakerOptions()
            .setMaxFailures(options.breakerMaxFailures())
            .setTimeout(-1)
            // No notifications, hence no per-call latency histograms: nothing consumes them.
            .setNotificationAddress(null)
            .setResetTimeout(options.breakerReset().toMillis())));
  }

  private record PendingSend(String room, JsonObject request, long deadline, Promise<Long> seq) {
  }

  /** An attempt's answer, or why the request must be tried again (or failed alone, if unencodable). */
  private record Outcome(JsonObject reply, Throwable retry) {
    static Outcome ok(JsonObject reply) {
      return new Outcome(reply, null);
    }

    static Outcome retry(Throwable e) {
      return new Outcome(null, e);
    }
  }
}
