package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link MessageStore} in process memory. It keeps every rule of the contract (contiguous seqs,
 * epoch check, deduplication) but loses everything when the process ends, which a new epoch then
 * tells clients. Thread-safe; every call completes immediately.
 */
public final class InMemoryMessageStore implements MessageStore {

  private final Map<String, Room> rooms = new HashMap<>();

  @Override
  public synchronized Future<RoomState> state(String room) {
    Room r = room(room);
    return Future.succeededFuture(new RoomState(r.top(), r.epoch));
  }

  @Override
  public synchronized Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    Room r = room(room);
    if (!r.epoch.equals(epoch) || batch.isEmpty() || batch.get(0).seq() != r.top() + 1) {
      return Future.succeededFuture(new AppendResult.Conflict(r.top(), r.epoch));
    }
    Map<Integer, Long> duplicates = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      StoredMessage m = batch.get(i);
      if (m.seq() != r.top() + 1 + i || !m.room().equals(room)) {
        return Future.failedFuture(new IllegalArgumentException("batch seqs must be consecutive"));
      }
      Long existing = r.seqByKey.get(m.dedupeKey());
      if (existing != null) {
        duplicates.put(i, existing);
      }
    }
    if (!duplicates.isEmpty()) {
      return Future.succeededFuture(new AppendResult.Duplicates(duplicates, r.top(), r.epoch));
    }
    for (StoredMessage m : batch) {
      r.messages.add(m);
      r.seqByKey.put(m.dedupeKey(), m.seq());
    }
    return Future.succeededFuture(new AppendResult.Appended(r.top(), r.epoch));
  }

  @Override
  public synchronized Future<HistoryPage> after(String room, long afterSeq, int limit) {
    Room r = room(room);
    int from = (int) Math.max(0, Math.min(afterSeq, r.top()));
    int to = (int) Math.min(r.top(), (long) from + Math.max(0, limit));
    return Future.succeededFuture(new HistoryPage(r.messages.subList(from, to), r.top(), r.epoch));
  }

  private Room room(String room) {
    return rooms.computeIfAbsent(room, k -> new Room());
  }

  private static final class Room {
    final String epoch = UUID.randomUUID().toString().substring(0, 8);
    final List<StoredMessage> messages = new ArrayList<>();
    final Map<String, Long> seqByKey = new HashMap<>();

    long top() {
      return messages.size();
    }
  }
}
