package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link MessageStore} in process memory. It keeps every rule of the contract (contiguous seqs,
 * epoch check, deduplication, retention) but loses everything when the process ends, which a new
 * epoch then tells clients. Thread-safe; every call completes immediately.
 */
public final class InMemoryMessageStore implements MessageStore {

  private final Map<String, Room> rooms = new HashMap<>();

  @Override
  public synchronized Future<RoomState> state(String room) {
    Room r = room(room);
    return Future.succeededFuture(new RoomState(r.top, r.epoch));
  }

  @Override
  public synchronized Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    Batches.requireContiguous(room, batch);
    try {
      Batches.requireStorableIds(batch);
    } catch (UnprocessableMessageException e) {
      return Future.failedFuture(e);
    }
    Room r = room(room);
    if (!r.epoch.equals(epoch) || batch.get(0).seq() != r.top + 1) {
      return Future.succeededFuture(new AppendResult.Conflict(r.top, r.epoch));
    }
    Map<Integer, Long> duplicates = new HashMap<>();
    for (int i = 0; i < batch.size(); i++) {
      Long existing = r.seqByKey.get(batch.get(i).dedupeKey());
      if (existing != null) {
        duplicates.put(i, existing);
      }
    }
    if (!duplicates.isEmpty()) {
      return Future.succeededFuture(new AppendResult.Duplicates(duplicates, r.top, r.epoch));
    }
    for (StoredMessage m : batch) {
      r.messages.add(m);
      r.seqByKey.put(m.dedupeKey(), m.seq());
    }
    r.top += batch.size();
    return Future.succeededFuture(new AppendResult.Appended(r.top, r.epoch));
  }

  @Override
  public synchronized Future<HistoryPage> after(String room, long afterSeq, int limit) {
    Room r = room(room);
    long from = Math.max(afterSeq + 1, r.firstSeq());
    long to = Math.min(r.top, from + Math.max(0, limit) - 1);
    return Future.succeededFuture(r.page(from, to));
  }

  @Override
  public synchronized Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    Room r = room(room);
    long to = Math.min(beforeSeq - 1, r.top);
    long from = Math.max(r.firstSeq(), to - Math.max(0, limit) + 1);
    return Future.succeededFuture(r.page(from, to));
  }

  @Override
  public synchronized Future<Long> applyRetention(RetentionRule rule, Collection<String> longerPrefixes, long nowMillis) {
    long removed = 0;
    for (Map.Entry<String, Room> e : rooms.entrySet()) {
      if (!rule.governs(e.getKey(), longerPrefixes)) {
        continue;
      }
      Room r = e.getValue();
      int drop = 0;
      if (rule.limitsCount()) {
        drop = (int) Math.max(0, r.messages.size() - rule.maxMessages());
      }
      if (rule.limitsAge()) {
        long cutoff = nowMillis - rule.maxAge().toMillis();
        while (drop < r.messages.size() && r.messages.get(drop).ts() < cutoff) {
          drop++;
        }
      }
      List<StoredMessage> gone = r.messages.subList(0, drop);
      gone.forEach(m -> r.seqByKey.remove(m.dedupeKey()));
      gone.clear();
      removed += drop;
    }
    return Future.succeededFuture(removed);
  }

  private Room room(String room) {
    return rooms.computeIfAbsent(room, k -> new Room());
  }

  private static final class Room {
    final String epoch = Batches.newEpoch();
    /** Retained messages, consecutive, ending at {@code top}. */
    final List<StoredMessage> messages = new ArrayList<>();
    final Map<String, Long> seqByKey = new HashMap<>();
    long top;

    long firstSeq() {
      return top - messages.size() + 1;
    }

    HistoryPage page(long from, long to) {
      long first = firstSeq();
      List<StoredMessage> out = from > to ? List.of()
          : new ArrayList<>(messages.subList((int) (from - first), (int) (to - first + 1)));
      return new HistoryPage(out, top, epoch, first);
    }
  }
}
