package io.switchboard.gateway.room;

import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * One room as seen by one gateway instance: the committed messages in seq order, each once,
 * handed to the local members. The event bus is best-effort, so when a seq is skipped the stream
 * fetches the hole from history before it delivers anything further. Event-loop confined.
 */
public final class RoomStream {

  /** A local receiver of the room's messages (one socket's membership). */
  public interface Member {
    void onMessage(StoredMessage message);
  }

  private static final Logger log = LoggerFactory.getLogger(RoomStream.class);
  private static final long REPAIR_RETRY_MS = 200;

  private final String room;
  private final MessageStore history;
  private final Vertx vertx;
  private final int pageSize;
  private final int maxPending;
  private final Set<Member> members = new LinkedHashSet<>();
  private final TreeMap<Long, StoredMessage> pending = new TreeMap<>();

  private boolean ready;
  private long lastSeq;
  private long highestSeen;
  private String epoch;
  private String owner;
  private boolean repairing;
  private long repairs;
  private Future<RoomStream> started;

  RoomStream(String room, MessageStore history, Vertx vertx, int pageSize, int maxPending) {
    this.room = room;
    this.history = history;
    this.vertx = vertx;
    this.pageSize = pageSize;
    this.maxPending = maxPending;
  }

  public String room() {
    return room;
  }

  /** Last seq delivered to members: everything up to it has been handed over in order. */
  public long lastSeq() {
    return lastSeq;
  }

  public String epoch() {
    return epoch;
  }

  public boolean isReady() {
    return ready;
  }

  String owner() {
    return owner;
  }

  void owner(String owner) {
    this.owner = owner;
  }

  Set<Member> members() {
    return members;
  }

  /** Completes when the first subscription is confirmed. */
  Future<RoomStream> started() {
    return started;
  }

  void started(Future<RoomStream> started) {
    this.started = started;
  }

  /** Number of hole repairs fetched from history (observability and tests). */
  public long repairs() {
    return repairs;
  }

  /** The subscription is confirmed: the room's committed top when this gateway subscribed. */
  void start(long top, String epoch) {
    this.epoch = epoch;
    this.lastSeq = top;
    this.ready = true;
    pending.headMap(top, true).clear();
    noteTop(top);
    drain();
  }

  /** The owner reports {@code top} (re-subscription after a shard move): repair up to it. */
  void noteTop(long top) {
    highestSeen = Math.max(highestSeen, top);
    if (ready && lastSeq < highestSeen) {
      repair();
    }
  }

  /** A fanned-out message arrived from the owner. */
  void accept(StoredMessage m) {
    if (ready && m.seq() <= lastSeq) {
      return;
    }
    highestSeen = Math.max(highestSeen, m.seq());
    if (ready && m.seq() == lastSeq + 1 && pending.isEmpty()) {
      deliver(m);
      return;
    }
    if (pending.size() < maxPending) {
      pending.put(m.seq(), m);
    }
    if (ready) {
      drain();
      if (lastSeq < highestSeen) {
        repair();
      }
    }
  }

  private void drain() {
    while (!pending.isEmpty() && pending.firstKey() <= lastSeq + 1) {
      StoredMessage m = pending.pollFirstEntry().getValue();
      if (m.seq() == lastSeq + 1) {
        deliver(m);
      }
    }
  }

  private void deliver(StoredMessage m) {
    lastSeq = m.seq();
    for (Member member : List.copyOf(members)) {
      member.onMessage(m);
    }
  }

  private void repair() {
    if (repairing) {
      return;
    }
    repairing = true;
    repairs++;
    long from = lastSeq;
    int limit = (int) Math.min(pageSize, Math.max(1, highestSeen - lastSeq));
    log.atDebug().addKeyValue("room", room).addKeyValue("after", from).addKeyValue("upTo", highestSeen)
        .log("repairing a gap from history");
    history.after(room, from, limit).onComplete(ar -> {
      repairing = false;
      if (ar.failed()) {
        log.atWarn().addKeyValue("room", room).addKeyValue("after", from)
            .log("gap repair failed, retrying: {}", ar.cause().toString());
        vertx.setTimer(REPAIR_RETRY_MS, id -> noteTop(highestSeen));
        return;
      }
      for (StoredMessage m : ar.result().messages()) {
        if (m.seq() == lastSeq + 1) {
          deliver(m);
        }
      }
      drain();
      if (lastSeq < highestSeen) {
        if (lastSeq == from) {
          // History did not have it yet; should not happen (commit precedes fan-out) but never spin.
          vertx.setTimer(REPAIR_RETRY_MS, id -> noteTop(highestSeen));
        } else {
          repair();
        }
      }
    });
  }
}
