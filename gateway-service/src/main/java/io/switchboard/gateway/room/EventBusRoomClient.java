package io.switchboard.gateway.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.gateway.GatewayOptions;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * Routes room requests to the shard owner over the event bus. A request whose owner moved
 * ({@code NOT_OWNER}) or is not listening yet is retried at the recomputed owner with capped
 * backoff until the deadline; each owner sits behind its own circuit breaker, which only
 * time-outs and failures trip.
 *
 * <p>Sends are coalesced: those made during one event-loop turn go to each owner as a single
 * request, so a busy gateway pays one event-bus round trip per owner and turn rather than per
 * message. A lone send, and any send the owner redirects, takes the single-request path.
 * Event-loop confined (one per gateway verticle).
 */
public final class EventBusRoomClient implements RoomClient {

  private static final long MAX_RETRY_DELAY_MS = 400;

  private final Vertx vertx;
  private final ClusterView cluster;
  private final ShardMap shards;
  private final GatewayOptions options;
  private final Map<String, CircuitBreaker> breakers = new HashMap<>();
  /** Sends waiting for the end of the current event-loop turn, by owner. */
  private final Map<String, List<PendingSend>> outgoing = new HashMap<>();
  private boolean flushScheduled;
  private SortedSet<String> roomNodes;
  private ShardMap.Owners owners;

  public EventBusRoomClient(Vertx vertx, ClusterView cluster, ShardMap shards, GatewayOptions options) {
    this.vertx = vertx;
    this.cluster = cluster;
    this.shards = shards;
    this.options = options;
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
  }

  @Override
  public String ownerOf(String room) {
    return owners.ownerOf(room);
  }

  @Override
  public Future<Long> send(String room, String sender, String clientMsgId, Object body) {
    PendingSend send = new PendingSend(room, RoomProtocol.send(room, sender, clientMsgId, body),
        System.currentTimeMillis() + options.requestTimeout().toMillis(), Promise.promise());
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
    Promise<JsonObject> reply = Promise.promise();
    attempt(send.room, Addresses.RoomOps.SEND, send.request, send.deadline, 0, reply);
    reply.future().map(r -> r.getLong("seq")).onComplete(send.seq);
  }

  private void sendBatch(String owner, List<PendingSend> sends) {
    long remaining = sends.get(0).deadline - System.currentTimeMillis();
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(Math.max(1, remaining))
        .addHeader(Addresses.OP, Addresses.RoomOps.SEND_BATCH);
    JsonObject body = RoomProtocol.sendBatch(sends.stream().map(PendingSend::request).toList());
    breaker(owner).<JsonObject>execute(() -> request(owner, body, delivery)
            .map(Message::body)
            .recover(e -> isRedirect(e) || e instanceof Unencodable ? Future.succeededFuture(null) : Future.failedFuture(e)))
        .onSuccess(reply -> {
          if (reply == null) {
            // The owner moved or is not listening yet, or one of the sends cannot be encoded: route
            // each send again on its own, so only an unencodable one fails.
            sends.forEach(this::sendAlone);
            return;
          }
          JsonArray results = reply.getJsonArray("results");
          for (int i = 0; i < sends.size(); i++) {
            settle(sends.get(i), results.getJsonObject(i));
          }
        })
        .onFailure(e -> sends.forEach(send -> send.seq.fail(e)));
  }

  private void settle(PendingSend send, JsonObject result) {
    Long seq = result.getLong("seq");
    if (seq != null) {
      send.seq.complete(seq);
      return;
    }
    int code = result.getInteger("failureCode", BusError.INTERNAL.code());
    if (code == BusError.NOT_OWNER.code()) {
      sendAlone(send);
    } else {
      send.seq.fail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, result.getString("message")));
    }
  }

  @Override
  public Future<RoomState> subscribe(String room, String subscriber) {
    return request(room, Addresses.RoomOps.SUBSCRIBE, RoomProtocol.subscription(room, subscriber))
        .map(reply -> new RoomState(reply.getLong("top"), reply.getString("epoch")));
  }

  @Override
  public void unsubscribe(String room, String subscriber) {
    String owner = ownerOf(room);
    if (owner != null) {
      vertx.eventBus().send(Addresses.roomNode(owner), RoomProtocol.subscription(room, subscriber),
          new DeliveryOptions().addHeader(Addresses.OP, Addresses.RoomOps.UNSUBSCRIBE));
    }
  }

  private Future<JsonObject> request(String room, String op, JsonObject body) {
    Promise<JsonObject> result = Promise.promise();
    attempt(room, op, body, System.currentTimeMillis() + options.requestTimeout().toMillis(), 0, result);
    return result.future();
  }

  private void attempt(String room, String op, JsonObject body, long deadline, int attempt, Promise<JsonObject> result) {
    long remaining = deadline - System.currentTimeMillis();
    if (remaining <= 0) {
      result.fail(new ReplyException(ReplyFailure.TIMEOUT, "room " + room + " did not answer in time"));
      return;
    }
    String owner = ownerOf(room);
    if (owner == null) {
      retryOrFail(room, op, body, deadline, attempt, result,
          BusError.UNAVAILABLE.exception("no room-service instance is running"));
      return;
    }
    DeliveryOptions delivery = new DeliveryOptions().setSendTimeout(remaining).addHeader(Addresses.OP, op);
    breaker(owner).<Outcome>execute(() -> request(owner, body, delivery)
            .map(Message::body).map(Outcome::ok)
            .recover(e -> isRedirect(e) || e instanceof Unencodable ? Future.succeededFuture(Outcome.moved(e))
                : Future.failedFuture(e)))
        .onSuccess(outcome -> {
          if (outcome.redirect instanceof Unencodable) {
            // The client's message, not the owner, is at fault: fail it alone, without tripping the breaker.
            result.fail(BusError.UNPROCESSABLE.exception("the message cannot be encoded: " + outcome.redirect.getMessage()));
          } else if (outcome.redirect == null) {
            result.complete(outcome.reply);
          } else {
            retryOrFail(room, op, body, deadline, attempt, result, outcome.redirect);
          }
        })
        .onFailure(result::fail);
  }

  private void retryOrFail(String room, String op, JsonObject body, long deadline, int attempt,
                           Promise<JsonObject> result, Throwable last) {
    long delay = Math.min(MAX_RETRY_DELAY_MS, 25L << Math.min(attempt, 5));
    if (System.currentTimeMillis() + delay >= deadline) {
      result.fail(last);
      return;
    }
    vertx.setTimer(delay, id -> attempt(room, op, body, deadline, attempt + 1, result));
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

  private record Outcome(JsonObject reply, Throwable redirect) {
    static Outcome ok(JsonObject reply) {
      return new Outcome(reply, null);
    }

    static Outcome moved(Throwable e) {
      return new Outcome(null, e);
    }
  }
}
