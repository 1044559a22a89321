package io.switchboard.room.sequencer;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.SubscriberIds;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.room.shard.ShardOwnership;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The rooms this room-service instance sequences. Refuses rooms whose shard it does not own,
 * closes rooms whose shard moved away, and forgets idle rooms. Event-loop confined.
 */
public final class RoomRegistry {

  private static final Logger log = LoggerFactory.getLogger(RoomRegistry.class);

  private final ShardOwnership ownership;
  private final MessageLog store;
  private final FanOut fanOut;
  private final SequencerOptions options;
  private final Vertx vertx;
  private final LongSupplier clock;
  private final LogLimiter logLimiter;
  private final Map<String, RoomSequencer> rooms = new HashMap<>();
  /** Set by {@link #handOver}: the instance is stopping and owns nothing any more. */
  private boolean handedOver;

  /** @param logLimiter caps the lines failures write to the log, shared by every room */
  public RoomRegistry(ShardOwnership ownership, MessageLog store, FanOut fanOut, SequencerOptions options,
                      Vertx vertx, LongSupplier clock, LogLimiter logLimiter) {
    this.logLimiter = logLimiter;
    this.ownership = ownership;
    this.store = store;
    this.fanOut = fanOut;
    this.options = options;
    this.vertx = vertx;
    this.clock = clock;
  }

  public Future<Long> send(String room, String sender, String clientMsgId, Object body) {
    RoomSequencer r = owned(room);
    return r == null ? notOwner(room) : r.send(sender, clientMsgId, body);
  }

  public Future<RoomState> subscribe(String room, String subscriber) {
    RoomSequencer r = owned(room);
    return r == null ? notOwner(room) : r.subscribe(subscriber);
  }

  public void unsubscribe(String room, String subscriber) {
    RoomSequencer r = rooms.get(room);
    if (r != null) {
      r.unsubscribe(subscriber);
    }
  }

  /**
   * Applies a membership change: closes rooms whose shard now belongs to another instance and
   * drops subscribers whose gateway node left.
   *
   * @param gatewayNodes node ids of the live gateways
   */
  public void onMembershipChange(Set<String> gatewayNodes) {
    ownership.refresh();
    int moved = 0;
    for (Iterator<Map.Entry<String, RoomSequencer>> it = rooms.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, RoomSequencer> e = it.next();
      if (!ownership.owns(e.getKey())) {
        e.getValue().close();
        it.remove();
        moved++;
      } else {
        e.getValue().retainSubscribers(s -> gatewayNodes.contains(SubscriberIds.node(s)));
      }
    }
    log.atInfo().addKeyValue("roomNodes", ownership.roomNodeCount()).addKeyValue("roomsMovedAway", moved)
        .addKeyValue("roomsKept", rooms.size()).log("shard ownership recomputed");
  }

  /**
   * This instance is merging back into the cluster after it was cut off (a pause or a partition
   * past the failure timeout). Meanwhile the other side gave its rooms to other owners, which
   * sequenced and committed in them, and it dropped their subscribers. So every room it holds is
   * closed now, before the merge's membership changes arrive: queued sends fail with
   * {@code NOT_OWNER}, which gateways retry at the owner of the moment, and a room it owns after the
   * merge loads its top and epoch from the store afresh. The store's fence keeps any append from
   * the stale state out.
   */
  public void onMergeStart() {
    log.atWarn().addKeyValue("roomsClosed", closeAll()).log("merging back into the cluster: every room reloads from the store");
  }

  /**
   * Closes every room: queued sends fail at once with {@code NOT_OWNER}, which gateways retry at
   * the owner of the moment, instead of waiting out their deadline for an answer that never comes
   * (on shutdown, or a merge).
   *
   * @return how many rooms were closed
   */
  private int closeAll() {
    int closed = rooms.size();
    closeRooms();
    return closed;
  }

  /**
   * This instance is stopping, and has told the cluster so: from now on it owns no room, whatever
   * its view of the membership says. Queued sends fail at once with {@code NOT_OWNER}, as does every
   * later request, so gateways resend them to the next owner; a batch being committed still completes
   * and is acknowledged.
   *
   * @return completes once none of this instance's batches is being committed any more
   */
  public Future<Void> handOver() {
    handedOver = true;
    return Future.join(closeRooms()).mapEmpty();
  }

  private List<Future<Void>> closeRooms() {
    List<Future<Void>> settled = rooms.values().stream().map(RoomSequencer::close).toList();
    rooms.clear();
    return settled;
  }

  /** Forgets rooms that have been idle since {@code idleEviction} ago; their state reloads on next use. */
  public int evictIdle() {
    long before = clock.getAsLong() - options.idleEviction().toMillis();
    int n = rooms.size();
    rooms.values().removeIf(r -> r.idleSince(before));
    return n - rooms.size();
  }

  public int size() {
    return rooms.size();
  }

  private RoomSequencer owned(String room) {
    if (handedOver || !ownership.owns(room)) {
      return null;
    }
    return rooms.computeIfAbsent(room, k -> new RoomSequencer(k, store, fanOut, options, vertx, clock, logLimiter));
  }

  private static <T> Future<T> notOwner(String room) {
    return Future.failedFuture(BusError.NOT_OWNER.exception("this instance does not own room " + room));
  }
}
