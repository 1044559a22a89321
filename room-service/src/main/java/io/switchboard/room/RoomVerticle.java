package io.switchboard.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.sequencer.EventBusFanOut;
import io.switchboard.room.sequencer.RoomRegistry;
import io.switchboard.room.sequencer.SequencerOptions;
import io.switchboard.room.shard.ShardOwnership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Binds this instance's room address and hands every request to the {@link RoomRegistry}.
 * Membership changes recompute shard ownership. One instance per process: sequencing state is
 * confined to this verticle's event loop.
 */
public final class RoomVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(RoomVerticle.class);
  private static final long EVICTION_PERIOD_MS = 60_000;

  private final ClusterView cluster;
  private final MessageStore store;
  private final ShardMap shards;
  private final SequencerOptions options;
  private RoomRegistry registry;
  private ClusterView.Registration membership;

  public RoomVerticle(ClusterView cluster, MessageStore store, ShardMap shards, SequencerOptions options) {
    this.cluster = cluster;
    this.store = store;
    this.shards = shards;
    this.options = options;
  }

  @Override
  public Future<?> start() {
    registry = new RoomRegistry(new ShardOwnership(cluster, shards), store, new EventBusFanOut(vertx.eventBus()),
        options, vertx, System::currentTimeMillis);
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
    JsonObject req = msg.body();
    String op = msg.headers().get(Addresses.OP);
    if (req != null && Addresses.RoomOps.SEND_BATCH.equals(op)) {
      sendBatch(msg, req);
      return;
    }
    String room = req == null ? null : req.getString("room");
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

  private Future<Long> send(JsonObject req) {
    try {
      return registry.send(req.getString("room"), req.getString("sender"), req.getString("clientMsgId"),
          req.getValue("body"));
    } catch (NullPointerException | ClassCastException e) {
      return Future.failedFuture(BusError.BAD_REQUEST.exception("malformed send: " + e.getMessage()));
    }
  }

  /** Sequences each send in order, then answers them all in one reply: one result per send. */
  private void sendBatch(Message<JsonObject> msg, JsonObject req) {
    JsonArray sends = req.getJsonArray("sends");
    if (sends == null) {
      msg.fail(BusError.BAD_REQUEST.code(), "sends is required");
      return;
    }
    List<Future<Long>> seqs = new ArrayList<>(sends.size());
    for (int i = 0; i < sends.size(); i++) {
      JsonObject send = sends.getJsonObject(i);
      seqs.add(send.getString("room") == null
          ? Future.failedFuture(BusError.BAD_REQUEST.exception("room is required"))
          : send(send));
    }
    Future.join(seqs).onComplete(done -> msg.reply(RoomProtocol.sendBatchReply(seqs.stream()
        .map(seq -> seq.succeeded() ? RoomProtocol.sendReply(seq.result()) : failed(seq.cause()))
        .toList())));
  }

  private static JsonObject failed(Throwable cause) {
    if (cause instanceof ReplyException re) {
      return RoomProtocol.sendFailed(re.failureCode(), re.getMessage());
    }
    log.atError().setCause(cause).log("room request failed");
    return RoomProtocol.sendFailed(BusError.INTERNAL.code(), String.valueOf(cause.getMessage()));
  }

  private static void reply(Message<JsonObject> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(cause -> {
      if (cause instanceof ReplyException re) {
        msg.fail(re.failureCode(), re.getMessage());
      } else {
        log.atError().setCause(cause).log("room request failed");
        msg.fail(BusError.INTERNAL.code(), String.valueOf(cause.getMessage()));
      }
    });
  }
}
