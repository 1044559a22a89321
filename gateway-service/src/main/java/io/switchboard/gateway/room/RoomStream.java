package io.switchboard.gateway.room;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.protocol.Frames;
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
    /**
     * A message, in order, once.
     *
     * @param frame the message's {@code message} frame, already encoded: built once per gateway
     *     instance and shared by every member
     */
    void onMessage(StoredMessage message, String frame);

    /** The room's history was lost and a new lineage began: seqs restart at 1 under {@code epoch}. */
    void onLineageChange(String epoch);
  }

  private static final Logger log = LoggerFactory.getLogger(RoomStream.class);
  private static final long REPAIR_RETRY_MS = 200;

  private final String room;
  private final HistoryReader history;
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
  private boolean verifyingLineage;
  private long repairs;
  private Future<RoomStream> started;

  RoomStream(String room, HistoryReader history, Vertx vertx, int pageSize, int maxPending) {
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

  /** The owner reports its state (re-subscription after a shard move): repair up to its top. */
  void noteState(long top, String ownerEpoch) {
    if (ready && !ownerEpoch.equals(epoch)) {
      verifyLineage();
      return;
    }
    noteTop(top);
  }

  private void noteTop(long top) {
    highestSeen = Math.max(highestSeen, top);
    if (ready && lastSeq < highestSeen) {
      repair();
    }
  }

  /** A fanned-out message of lineage {@code messageEpoch} arrived from the owner. */
  void accept(StoredMessage m, String messageEpoch) {
    if (ready && messageEpoch != null && !messageEpoch.equals(epoch)) {
      verifyLineage();
      return;
    }
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
    String frame = Frames.message(m).encode();
    for (Member member : List.copyOf(members)) {
      member.onMessage(m, frame);
    }
  }

  /**
   * A delivery or reply named another epoch. The history service is the authority on the room's
   * lineage: if it really changed, every member restarts from the new lineage; otherwise the odd
   * message was a stale one and is ignored.
   */
  private void verifyLineage() {
    if (verifyingLineage) {
      return;
    }
    verifyingLineage = true;
    history.after(room, 0, 0).onComplete(ar -> {
      verifyingLineage = false;
      if (ar.failed()) {
        vertx.setTimer(REPAIR_RETRY_MS, id -> verifyLineage());
        return;
      }
      HistoryPage page = ar.result();
      if (page.epoch().equals(epoch)) {
        return;
      }
      log.atWarn().addKeyValue("room", room).addKeyValue("epoch", page.epoch()).addKeyValue("previousEpoch", epoch)
          .log("room history lineage changed; members restart from the new lineage");
      epoch = page.epoch();
      lastSeq = 0;
      highestSeen = 0;
      pending.clear();
      for (Member member : List.copyOf(members)) {
        member.onLineageChange(epoch);
      }
      noteTop(page.top());
    });
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
      HistoryPage page = ar.result();
      if (!page.epoch().equals(epoch)) {
        verifyLineage();
        return;
      }
      if (page.firstSeq() > lastSeq + 1) {
        // Retention removed the hole: skip it; members notice the jump and report it as missing.
        log.atWarn().addKeyValue("room", room).addKeyValue("after", lastSeq).addKeyValue("firstSeq", page.firstSeq())
            .log("gap no longer retained in history; skipping it");
        lastSeq = page.firstSeq() - 1;
      }
      for (StoredMessage m : page.messages()) {
        if (m.seq() == lastSeq + 1) {
          deliver(m);
        }
      }
      drain();
      if (lastSeq < highestSeen) {
        if (lastSeq == from && page.firstSeq() <= from + 1) {
          // History did not have it yet; should not happen (commit precedes fan-out) but never spin.
          vertx.setTimer(REPAIR_RETRY_MS, id -> noteTop(highestSeen));
        } else {
          repair();
        }
      }
    });
  }
}
