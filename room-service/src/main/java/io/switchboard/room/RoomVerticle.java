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
  /**
   * How long a stopping instance keeps answering {@code NOT_OWNER} after it announced that it is
   * leaving: a request from a gateway the announcement has not reached yet gets that answer, and is
   * resent to the new owner at once. Once the consumer is gone, such a request would be dropped
   * unanswered and wait out the gateway's deadline. The announcement took under 30 ms to reach the
   * gateways in {@code RollingRestartTest}.
   */
  private static final long HAND_OVER_GRACE_MS = 500;

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
    // Listening: only now do shards move here. Until the others hear it they keep sequencing this
    // instance's rooms, rather than send them here before it could answer.
    return vertx.eventBus().consumer(Addresses.roomNode(cluster.localNodeId()), this::handle).completion()
        .compose(v -> Future.fromCompletionStage(cluster.announceServing(), context))
        .onSuccess(v -> registry.onMembershipChange(cluster.members(Role.GATEWAY)));
  }

  /**
   * Stopping (SIGTERM): hands every shard over before the process leaves the cluster. It announces
   * that it is leaving, so gateways and the other room services move its shards now, while it still
   * answers, rather than seconds later when it leaves the Hazelcast cluster; then it refuses what is
   * queued and everything that still arrives with {@code NOT_OWNER} (gateways resend it to the next
   * owner, the store deduplicates by {@code clientMsgId}), and completes once the batches it was
   * committing have been answered, so that their senders get their acks, and
   * {@link #HAND_OVER_GRACE_MS} have passed.
   */
  @Override
  public Future<?> stop() {
    if (membership != null) {
      membership.remove();
    }
    if (mergeStart != null) {
      mergeStart.remove();
    }
    if (registry == null) {
      return Future.succeededFuture();
    }
    int rooms = registry.size();
    return Future.fromCompletionStage(cluster.announceLeaving(), context)
        .recover(e -> {
          log.atWarn().log("could not announce leaving; the others take over once this process has left: {}", e.toString());
          return Future.succeededFuture();
        })
        .compose(v -> Future.join(registry.handOver(), vertx.timer(HAND_OVER_GRACE_MS)))
        .onComplete(v -> log.atInfo().addKeyValue("rooms", rooms)
            .log("stopping: rooms handed over, in-flight batches answered"));
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
