package io.switchboard.gateway.ws;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.common.protocol.Frames;
import io.switchboard.gateway.auth.RoomAction;
import io.switchboard.gateway.room.RoomStream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One socket's membership in one room: the next seq it must receive, and the recovery walk that
 * gets it there. While recovering, live messages are held (bounded) and missed ones are paged from
 * history; when the pages reach the held ones the socket gets a {@code recovered} marker and
 * continues live. No gap and no duplicate at the hand-off. Event-loop confined.
 */
final class RoomMembership implements RoomStream.Member {

  private static final Logger log = LoggerFactory.getLogger(RoomMembership.class);

  private final ClientSession session;
  private final String room;
  private Set<RoomAction> rights;
  private final HistoryReader history;
  private final int pageSize;
  private final int maxHeld;
  private final ArrayDeque<StoredMessage> held = new ArrayDeque<>();
  /** Seq ranges the store no longer had when the replay reached them (retention). */
  private final List<long[]> missing = new ArrayList<>();

  private final Promise<Void> started = Promise.promise();
  private long nextSeq;
  private boolean live;
  private boolean heldOverflow;
  /** The join's {@code since} was above the room's top: the marker says {@code recovered: false}. */
  private boolean positionReset;
  private boolean closed;
  private String epoch;

  RoomMembership(ClientSession session, String room, Set<RoomAction> rights, HistoryReader history, int pageSize,
                 int maxHeld) {
    this.session = session;
    this.room = room;
    this.rights = rights;
    this.history = history;
    this.pageSize = pageSize;
    this.maxHeld = maxHeld;
  }

  /** Until the stream is confirmed the membership holds whatever it is handed. */
  void startLive(long top, String epoch) {
    this.epoch = epoch;
    this.nextSeq = top + 1;
    this.live = true;
    started.tryComplete();
    flushHeld();
  }

  /** Replays {@code (since, ...]} from history, then continues live. */
  void startRecovery(long since, String epoch) {
    this.epoch = epoch;
    this.nextSeq = since + 1;
    this.live = false;
    started.tryComplete();
    fetchPage();
  }

  /** Completes once the join resolved its starting position (fails if the join failed). */
  Future<Void> started() {
    return started.future();
  }

  void failStart(Throwable cause) {
    started.tryFail(cause);
  }

  String epoch() {
    return epoch;
  }

  void close() {
    closed = true;
    held.clear();
    started.tryFail(leftBeforeJoined(room));
  }

  /** The answer to a join that a leave (or a second join) overtook. */
  static ProtocolException leftBeforeJoined(String room) {
    return new ProtocolException(ErrorCode.NOT_JOINED, "room " + room + " was left before the join completed");
  }

  String room() {
    return room;
  }

  /** Whether the connection's token allows {@code action} here (as of the join or the last refresh). */
  boolean may(RoomAction action) {
    return rights.contains(action);
  }

  void rights(Set<RoomAction> newRights) {
    this.rights = newRights;
  }

  long nextSeq() {
    return nextSeq;
  }

  @Override
  public void onMessage(StoredMessage m, String frame) {
    if (closed) {
      return;
    }
    if (!live) {
      if (held.size() < maxHeld) {
        held.addLast(m);
      } else {
        heldOverflow = true;
        held.clear();
      }
      return;
    }
    if (m.seq() == nextSeq) {
      nextSeq++;
      session.push(frame);
    } else if (m.seq() > nextSeq) {
      // Cannot happen with a gap-repaired stream; recover rather than deliver out of order.
      log.atWarn().addKeyValue("room", room).addKeyValue("seq", m.seq()).addKeyValue("expected", nextSeq)
          .log("membership saw a jump; recovering from history");
      live = false;
      held.addLast(m);
      fetchPage();
    }
  }

  private void fetchPage() {
    if (closed) {
      return;
    }
    history.after(room, nextSeq - 1, pageSize).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        log.atWarn().addKeyValue("room", room).addKeyValue("user", session.user())
            .log("recovery page failed: {}", ar.cause().toString());
        session.recoveryFailed(room, ar.cause());
        return;
      }
      onPage(ar.result());
    });
  }

  private void onPage(HistoryPage page) {
    if (nextSeq - 1 > page.top()) {
      // The client claims a position the room never reached (history commits before any delivery,
      // so a seq a client saw is never above the store's top). Its view is not this room's: say
      // so, as for a lineage change, and continue live from the top.
      log.atInfo().addKeyValue("room", room).addKeyValue("user", session.user()).addKeyValue("since", nextSeq - 1)
          .addKeyValue("top", page.top()).log("join since a seq above the room's top; continuing from the top");
      nextSeq = page.top() + 1;
      missing.clear();
      positionReset = true;
      handOver();
      return;
    }
    if (page.firstSeq() > nextSeq) {
      noteMissing(nextSeq, page.firstSeq() - 1);
      nextSeq = page.firstSeq();
    }
    for (StoredMessage m : page.messages()) {
      if (m.seq() == nextSeq) {
        nextSeq++;
        session.write(Frames.message(m));
      }
    }
    boolean more = page.messages().size() >= pageSize && nextSeq <= page.top();
    if (more || heldOverflow) {
      heldOverflow = false;
      session.whenWritable(this::fetchPage);
      return;
    }
    handOver();
  }

  /** Reached the store's top as of the last read: hands over to the held live messages, then the marker. */
  private void handOver() {
    while (!held.isEmpty()) {
      StoredMessage m = held.peekFirst();
      if (m.seq() < nextSeq) {
        held.pollFirst();
      } else if (m.seq() == nextSeq) {
        held.pollFirst();
        nextSeq++;
        session.write(Frames.message(m));
      } else {
        // Committed after our read but before the first held message: read again.
        session.whenWritable(this::fetchPage);
        return;
      }
    }
    live = true;
    session.write(Frames.recovered(room, nextSeq - 1, epoch, missing.isEmpty() && !positionReset, List.copyOf(missing)));
    missing.clear();
    positionReset = false;
  }

  private void noteMissing(long from, long to) {
    log.atInfo().addKeyValue("room", room).addKeyValue("user", session.user()).addKeyValue("from", from)
        .addKeyValue("to", to).log("messages asked for are no longer retained");
    long[] last = missing.isEmpty() ? null : missing.get(missing.size() - 1);
    if (last != null && last[1] + 1 == from) {
      last[1] = to;
    } else {
      missing.add(new long[] {from, to});
    }
  }

  /** The room's history lineage changed: old seqs mean nothing; continue from the new lineage's start. */
  @Override
  public void onLineageChange(String newEpoch) {
    if (closed) {
      return;
    }
    epoch = newEpoch;
    nextSeq = 1;
    held.clear();
    missing.clear();
    live = true;
    session.write(Frames.recovered(room, 0, newEpoch, false, List.of()));
  }

  private void flushHeld() {
    while (!held.isEmpty()) {
      StoredMessage m = held.pollFirst();
      onMessage(m, Frames.message(m).encode());
    }
  }
}
