package io.switchboard.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.sequencer.EventBusFanOut;
import io.switchboard.room.sequencer.RoomRegistry;
import io.switchboard.room.sequencer.SequencerOptions;
import io.switchboard.room.shard.ShardOwnership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Binds this instance's room address and hands every request to the {@link RoomRegistry}.
 * Membership changes recompute shard ownership. One instance per process: sequencing state is
 * confined to this verticle's event loop.
 */
public final class RoomVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RoomVerticle.class);
  private static final long EVICTION_PERIOD_MS = 60_000;
  private static final LogLimiter LOG_LIMITER = LogLimiter.perMinute(10);

  private final ClusterView cluster;
  private final MessageStore store;
  private final ShardMap shards;
  private final SequencerOptions options;
  private final LongSupplier clock;
  private RoomRegistry registry;
  private ClusterView.Registration membership;

  /** @param clock wall-clock milliseconds: send deadlines, idle eviction and log limits run on it */
  public RoomVerticle(ClusterView cluster, MessageStore store, ShardMap shards, SequencerOptions options,
                      LongSupplier clock) {
    this.cluster = cluster;
    this.store = store;
    this.shards = shards;
    this.options = options;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    registry = new RoomRegistry(new ShardOwnership(cluster, shards), store, new EventBusFanOut(vertx.eventBus()),
        options, vertx, clock, LogLimiter.perMinute(10, clock));
    membership = cluster.onChange(() -> registry.onMembershipChange(cluster.members(Role.GATEWAY)));
    vertx.setPeriodic(EVICTION_PERIOD_MS, id -> {
      int evicted = registry.evictIdle();
      if (evicted > 0) {
        log.atDebug().addKeyValue("evicted", evicted).addKeyValue("rooms", registry.size()).log("idle rooms evicted");
      }
    });
    return vertx.eventBus().<JsonObject>consumer(Addresses.roomNode(cluster.localNodeId()), this::handle).completion();
  }

  @Override
  public Future<?> stop() {
    if (membership != null) {
      membership.remove();
    }
    return Future.succeededFuture();
  }

  private void handle(Message<JsonObject> msg) {
    JsonObject req;
    try {
      req = msg.body();
    } catch (DecodeException e) {
      // Decoded lazily from the wire, on first access.
      msg.fail(BusError.BAD_REQUEST.code(), "the request is not valid JSON");
      return;
    }
    String op = msg.headers().get(Addresses.OP);
    if (req != null && Addresses.RoomOps.SEND_BATCH.equals(op)) {
      sendBatch(msg, req);
      return;
    }
    String room = req == null || !(req.getValue("room") instanceof String r) ? null : r;
    if (room == null || op == null) {
      msg.fail(BusError.BAD_REQUEST.code(), "op header and room are required");
      return;
    }
    switch (op) {
      case Addresses.RoomOps.SEND -> reply(msg, send(req).map(RoomProtocol::sendReply));
      case Addresses.RoomOps.SUBSCRIBE -> reply(msg, registry.subscribe(room, req.getString("subscriber"))
          .map(s -> RoomProtocol.subscribeReply(s.top(), s.epoch())));
      case Addresses.RoomOps.UNSUBSCRIBE -> {
        registry.unsubscribe(room, req.getString("subscriber"));
        msg.reply(new JsonObject());
      }
      default -> msg.fail(BusError.BAD_REQUEST.code(), "unknown op " + op);
    }
  }

  /** A malformed send fails alone with {@code BAD_REQUEST}; the others of its batch go on. */
  private Future<Long> send(Object json) {
    SendRequest send;
    try {
      send = SendRequest.decode(json);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("malformed send: " + e.getMessage()));
    }
    return registry.send(send.room(), send.sender(), send.clientMsgId(), send.body());
  }

  /** Sequences each send in order, then answers them all in one reply: one result per send. */
  private void sendBatch(Message<JsonObject> msg, JsonObject req) {
    if (!(req.getValue("sends") instanceof JsonArray sends)) {
      msg.fail(BusError.BAD_REQUEST.code(), "sends must be an array");
      return;
    }
    List<Future<Long>> seqs = new ArrayList<>(sends.size());
    for (int i = 0; i < sends.size(); i++) {
      seqs.add(send(sends.getValue(i)));
    }
    Future.join(seqs).onComplete(done -> msg.reply(RoomProtocol.sendBatchReply(seqs.stream()
        .map(seq -> seq.succeeded() ? RoomProtocol.sendReply(seq.result()) : failed(seq.cause()))
        .toList())));
  }

  private static JsonObject failed(Throwable cause) {
    if (cause instanceof ReplyException re) {
      return RoomProtocol.sendFailed(re.failureCode(), re.getMessage());
    }
    logUnexpected(cause);
    return RoomProtocol.sendFailed(BusError.INTERNAL.code(), String.valueOf(cause.getMessage()));
  }

  private static void reply(Message<JsonObject> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(cause -> {
      if (cause instanceof ReplyException re) {
        msg.fail(re.failureCode(), re.getMessage());
      } else {
        logUnexpected(cause);
        msg.fail(BusError.INTERNAL.code(), String.valueOf(cause.getMessage()));
      }
    });
  }

  /** A failure that is none of ours is a bug: its stack trace is kept, but not for every request. */
  private static void logUnexpected(Throwable cause) {
    long suppressed = LOG_LIMITER.acquire("request-failed");
    if (suppressed != LogLimiter.DENIED) {
      log.atError().addKeyValue("suppressed", suppressed).setCause(cause).log("room request failed");
    }
  }
}
