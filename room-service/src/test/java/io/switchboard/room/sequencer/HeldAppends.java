package io.switchboard.room.sequencer;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.ForwardingMessageLog;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

/** For tests: a store that holds every append, uncommitted, until {@link #release} commits them. Event-loop confined. */
final class HeldAppends extends ForwardingMessageLog {

  private final List<Runnable> held = new ArrayList<>();

  HeldAppends(MessageLog delegate) {
    super(delegate);
  }

  /** Commits every append held so far and answers it. */
  void release() {
    List<Runnable> now = List.copyOf(held);
    held.clear();
    now.forEach(Runnable::run);
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    Promise<AppendResult> appended = Promise.promise();
    held.add(() -> delegate.append(room, epoch, batch).onComplete(appended));
    return appended.future();
  }
}
