package io.switchboard.room;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.MalformedBusMessageException;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.shard.ShardMap;
import io.switchboard.room.sequencer.EventBusFanOut;
import io.switchboard.room.sequencer.RoomRegistry;
import io.switchboard.room.sequencer.SequencerOptions;
import io.switchboard.room.shard.ShardOwnership;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
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

  private final ClusterView cluster;
  private final MessageLog store;
  private final ShardMap shards;
  private final SequencerOptions options;
  private final LogLimiter logLimiter;
  private final RoomFailures failures;
  private final LongSupplier clock;
  private RoomRegistry registry;
  private ClusterView.Registration membership;
  private ClusterView.Registration mergeStart;

  /**
   * @param logLimiter caps the lines failures write to the log, shared by the requests and every room
   * @param clock wall-clock milliseconds: send deadlines and idle eviction run on it
   */
  public RoomVerticle(ClusterView cluster, MessageLog store, ShardMap shards, SequencerOptions options,
                      LogLimiter logLimiter, LongSupplier clock) {
    this.cluster = cluster;
    this.store = store;
    this.shards = shards;
    this.options = options;
    this.logLimiter = logLimiter;
    this.failures = new RoomFailures(logLimiter);
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    registry = new RoomRegistry(new ShardOwnership(cluster, shards), store, new EventBusFanOut(vertx.eventBus()),
        options, vertx, clock, logLimiter);
    membership = cluster.onChange(() -> registry.onMembershipChange(cluster.members(Role.GATEWAY)));
    mergeStart = cluster.onMergeStart(registry::onMergeStart);
    vertx.setPeriodic(EVICTION_PERIOD_MS, id -> {
      int evicted = registry.evictIdle();
      if (evicted > 0) {
        log.atDebug().addKeyValue("evicted", evicted).addKeyValue("rooms", registry.size()).log("idle rooms evicted");
      }
    });
    return vertx.eventBus().consumer(Addresses.roomNode(cluster.localNodeId()), this::handle).completion();
  }

  @Override
  public Future<?> stop() {
    if (membership != null) {
      membership.remove();
    }
    if (mergeStart != null) {
      mergeStart.remove();
    }
    if (registry != null) {
      // Stopping (SIGTERM): answer what is queued with NOT_OWNER now, so that gateways resend it
      // to the next owner once this instance has left, rather than time out after their deadline.
      int closed = registry.closeAll();
      log.atInfo().addKeyValue("roomsClosed", closed).log("stopping: queued sends refused with NOT_OWNER");
    }
    return Future.succeededFuture();
  }

  private void handle(Message<Object> msg) {
    String op = msg.headers().get(Addresses.OP);
    try {
      switch (op == null ? "" : op) {
        case Addresses.RoomOps.SEND -> answer(msg, send(RoomProtocol.decodeSend(body(msg))).map(RoomProtocol::sendReply));
        case Addresses.RoomOps.SEND_BATCH -> sendBatch(msg, RoomProtocol.decodeSendBatch(body(msg)));
        case Addresses.RoomOps.SUBSCRIBE -> {
          RoomProtocol.Subscription s = RoomProtocol.decodeSubscription(body(msg));
          answer(msg, registry.subscribe(s.room(), s.subscriber())
              .map(state -> RoomProtocol.subscribeReply(state.top(), state.epoch())));
        }
        case Addresses.RoomOps.UNSUBSCRIBE -> {
          RoomProtocol.Subscription s = RoomProtocol.decodeSubscription(body(msg));
          registry.unsubscribe(s.room(), s.subscriber());
          msg.reply(new JsonObject());
        }
        default -> throw new MalformedBusMessageException(op == null ? "the op header is required" : "unknown op " + op);
      }
    } catch (MalformedBusMessageException e) {
      failures.fail(msg, e);
    }
  }

  /** The request's body, decoded lazily from the wire on first access. */
  private static Object body(Message<Object> msg) {
    try {
      return msg.body();
    } catch (DecodeException e) {
      throw new MalformedBusMessageException("the request is not valid JSON");
    }
  }

  private Future<Long> send(RoomProtocol.SendRequest send) {
    return registry.send(send.room(), send.sender(), send.clientMsgId(), send.body());
  }

  /**
   * Sequences each send in order, then answers them all in one reply: one result per send. A
   * malformed send fails alone with {@code BAD_REQUEST}; the others of its batch go on.
   */
  private void sendBatch(Message<Object> msg, RoomProtocol.SendBatch batch) {
    List<Future<Long>> seqs = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      RoomProtocol.SendRequest send;
      try {
        send = batch.send(i);
      } catch (MalformedBusMessageException e) {
        seqs.add(Future.failedFuture(e));
        continue;
      }
      seqs.add(send(send));
    }
    Future.join(seqs).onComplete(done -> msg.reply(RoomProtocol.sendBatchReply(seqs.stream()
        .map(seq -> seq.succeeded() ? RoomProtocol.sendReply(seq.result()) : failures.sendFailed(seq.cause()))
        .toList())));
  }

  private void answer(Message<Object> msg, Future<JsonObject> result) {
    result.onSuccess(msg::reply).onFailure(cause -> failures.fail(msg, cause));
  }
}
