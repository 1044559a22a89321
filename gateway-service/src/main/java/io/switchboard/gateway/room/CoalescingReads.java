package io.switchboard.gateway.room;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.RetentionRule;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Future;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one history read among the sockets that ask for the same page while it is in flight.
 * After a gateway dies, its clients reconnect here at once and rejoin with {@code since}; the
 * members of a room missed the same messages, so without this every one of them would send the
 * history service the same query (a thundering herd exactly when the cluster is weakest). Only
 * {@link #after} is shared; nothing is cached once the read completes. Event-loop confined: one
 * per gateway verticle instance.
 */
public final class CoalescingReads implements MessageStore {

  private record Key(String room, long afterSeq, int limit) {
  }

  private final MessageStore delegate;
  private final Map<Key, Future<HistoryPage>> inFlight = new HashMap<>();
  private long shared;

  public CoalescingReads(MessageStore delegate) {
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
  public Future<RoomState> state(String room) {
    return delegate.state(room);
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    return delegate.append(room, epoch, batch);
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return delegate.before(room, beforeSeq, limit);
  }

  @Override
  public Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    return delegate.applyRetention(rule, longerPrefixes, nowMillis);
  }
}
