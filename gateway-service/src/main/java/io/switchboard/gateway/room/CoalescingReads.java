package io.switchboard.gateway.room;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;

/**
 * Shares one history read among the sockets that ask for the same page while it is in flight.
 * After a gateway dies, its clients reconnect here at once and rejoin with {@code since}; the
 * members of a room missed the same messages, so without this every one of them would send the
 * history service the same query (a thundering herd exactly when the cluster is weakest). Only
 * {@link #after} is shared; nothing is cached once the read completes. Event-loop confined: one
 * per gateway verticle instance.
 */
public final class CoalescingReads implements HistoryReader {

  private record Key(String room, long afterSeq, int limit) {
  }

  private final HistoryReader delegate;
  private final Map<Key, Future<HistoryPage>> inFlight = new HashMap<>();
  private long shared;

  public CoalescingReads(HistoryReader delegate) {
    this.delegate = delegate;
  }

  @Override
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    Key key = new Key(room, afterSeq, limit);
    Future<HistoryPage> running = inFlight.get(key);
    if (running != null) {
      shared++;
      return running;
    }
    Future<HistoryPage> read = delegate.after(room, afterSeq, limit);
    if (!read.isComplete()) {
      inFlight.put(key, read);
      read.onComplete(ar -> inFlight.remove(key));
    }
    return read;
  }

  /** Reads answered by joining one already in flight (observability and tests). */
  public long shared() {
    return shared;
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return delegate.before(room, beforeSeq, limit);
  }
}
