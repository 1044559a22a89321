package io.switchboard.common.history;

import java.util.List;
import java.util.UUID;

/** Checks and helpers every {@link MessageStore} implementation shares. */
public final class Batches {

  private Batches() {
  }

  /** Rejects a batch that is empty, belongs to another room or whose seqs are not consecutive. */
  public static void requireContiguous(String room, List<StoredMessage> batch) {
    if (batch.isEmpty()) {
      throw new IllegalArgumentException("empty batch");
    }
    long first = batch.get(0).seq();
    for (int i = 0; i < batch.size(); i++) {
      StoredMessage m = batch.get(i);
      if (!m.room().equals(room) || m.seq() != first + i) {
        throw new IllegalArgumentException("batch for " + room + " must hold consecutive seqs of that room");
      }
    }
  }

  /**
   * Refuses a batch whose ids hold a NUL character (U+0000). PostgreSQL's TEXT cannot store it
   * (SQLSTATE 22021) and the dedupe key uses it as its separator, so every store refuses it alike:
   * a message one store takes, every store takes.
   *
   * @throws UnprocessableMessageException naming the offending message's position in the batch
   */
  public static void requireStorableIds(List<StoredMessage> batch) {
    for (int i = 0; i < batch.size(); i++) {
      StoredMessage m = batch.get(i);
      if (m.sender().indexOf('\u0000') >= 0 || m.clientMsgId().indexOf('\u0000') >= 0) {
        throw new UnprocessableMessageException("message " + i + " of the batch has a NUL character in its sender or clientMsgId");
      }
    }
  }

  /** A fresh epoch: names a new history lineage of a room. */
  public static String newEpoch() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }
}
