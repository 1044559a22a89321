package io.switchboard.gateway.room;

import io.switchboard.common.bus.MalformedBusMessageException;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rooms one gateway instance has local members in. The first member of a room subscribes this
 * instance at the room's shard owner; the last one to leave unsubscribes. When membership moves a
 * room to another owner, the instance re-announces itself there and repairs anything it missed.
 * Event-loop confined.
 */
public final class RoomStreams {

  private static final Logger log = LoggerFactory.getLogger(RoomStreams.class);
  private static final long RESUBSCRIBE_RETRY_MS = 500;

  private final Vertx vertx;
  private final RoomClient rooms;
  private final HistoryReader history;
  private final String subscriberId;
  private final int pageSize;
  private final int maxPending;
  private final Map<String, RoomStream> streams = new HashMap<>();
  private final ArrayDeque<JsonObject> backlog = new ArrayDeque<>();
  private boolean draining;

  public RoomStreams(Vertx vertx, RoomClient rooms, HistoryReader history, String subscriberId, int pageSize,
                     int maxPending) {
    this.vertx = vertx;
    this.rooms = rooms;
    this.history = history;
    this.subscriberId = subscriberId;
    this.pageSize = pageSize;
    this.maxPending = maxPending;
  }

  /** Adds a local member; completes once the room is subscribed (at once if it already was). */
  public Future<RoomStream> join(String room, RoomStream.Member member) {
    RoomStream stream = streams.get(room);
    if (stream == null) {
      stream = new RoomStream(room, history, vertx, pageSize, maxPending);
      streams.put(room, stream);
      stream.members().add(member);
      stream.started(subscribe(stream));
      return stream.started();
    }
    stream.members().add(member);
    return stream.started();
  }

  /** Removes a local member; the last one out unsubscribes this instance at the owner. */
  public void leave(String room, RoomStream.Member member) {
    RoomStream stream = streams.get(room);
    if (stream == null) {
      return;
    }
    stream.members().remove(member);
    if (stream.members().isEmpty()) {
      streams.remove(room);
      rooms.unsubscribe(room, subscriberId);
    }
  }

  /**
   * Queues a fan-out event from a shard owner and handles it in an event-loop task of its own. The
   * event bus hands a consumer everything it has buffered in one task, and a delivery to a big room
   * is thousands of socket writes: under a backlog that one task would hold the loop for seconds.
   * One event per task lets socket reads, pings and timers run in between. Order is kept.
   */
  public void offer(JsonObject event) {
    backlog.addLast(event);
    if (!draining) {
      draining = true;
      vertx.runOnContext(v -> drainOne());
    }
  }

  private void drainOne() {
    onDelivery(backlog.pollFirst());
    if (backlog.isEmpty()) {
      draining = false;
    } else {
      vertx.runOnContext(v -> drainOne());
    }
  }

  /**
   * A fan-out event from a shard owner, handled now. A malformed one is dropped: what it held is
   * repaired from history once a later message shows the gap.
   */
  public void onDelivery(JsonObject event) {
    RoomProtocol.Delivery delivery;
    try {
      delivery = RoomProtocol.decodeDelivery(event);
    } catch (MalformedBusMessageException e) {
      log.atWarn().log("malformed delivery dropped: {}", e.getMessage());
      return;
    }
    RoomStream stream = streams.get(delivery.room());
    if (stream == null) {
      return;
    }
    for (StoredMessage m : delivery.messages()) {
      stream.accept(m, delivery.epoch());
    }
  }

  /** Re-announces every room whose owner changed with the latest membership. */
  public void onMembershipChange() {
    for (RoomStream stream : List.copyOf(streams.values())) {
      if (stream.isReady() && !Objects.equals(stream.owner(), rooms.ownerOf(stream.room()))) {
        resubscribe(stream);
      }
    }
  }

  /**
   * After this instance merged back into the cluster (it was cut off by a pause or a partition past
   * the failure timeout): the owners dropped its subscriptions when its node left, so every ready
   * room is announced again at its owner of the moment. What was committed meanwhile shows as a
   * higher top and is repaired from history before anything newer is delivered.
   */
  public void onRejoin() {
    for (RoomStream stream : List.copyOf(streams.values())) {
      if (stream.isReady()) {
        resubscribe(stream);
      }
    }
  }

  public int size() {
    return streams.size();
  }

  /** The stream of a room if this instance has members in it. */
  public RoomStream get(String room) {
    return streams.get(room);
  }

  private Future<RoomStream> subscribe(RoomStream stream) {
    String room = stream.room();
    stream.owner(rooms.ownerOf(room));
    return rooms.subscribe(room, subscriberId)
        .map(state -> {
          if (streams.get(room) != stream) {
            rooms.unsubscribe(room, subscriberId);
          }
          stream.start(state.top(), state.epoch());
          return stream;
        })
        .onFailure(e -> {
          if (streams.get(room) == stream) {
            streams.remove(room);
          }
        });
  }

  private void resubscribe(RoomStream stream) {
    String room = stream.room();
    String owner = rooms.ownerOf(room);
    stream.owner(owner);
    log.atInfo().addKeyValue("room", room).addKeyValue("owner", owner).log("room moved; re-announcing");
    rooms.subscribe(room, subscriberId).onComplete(ar -> {
      if (streams.get(room) != stream) {
        return;
      }
      if (ar.succeeded()) {
        stream.noteState(ar.result().top(), ar.result().epoch());
      } else if (Objects.equals(owner, rooms.ownerOf(room))) {
        log.atWarn().addKeyValue("room", room).log("re-announce failed, retrying: {}", ar.cause().toString());
        vertx.setTimer(RESUBSCRIBE_RETRY_MS, id -> {
          if (streams.get(room) == stream && Objects.equals(owner, stream.owner())) {
            resubscribe(stream);
          }
        });
      }
    });
  }
}
