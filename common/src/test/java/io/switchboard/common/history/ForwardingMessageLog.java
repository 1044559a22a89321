package io.switchboard.common.history;

import io.vertx.core.Future;

import java.util.List;

/** For tests: a log that forwards every call to a real one; a subclass overrides the behaviour it changes. */
public abstract class ForwardingMessageLog implements MessageLog {

  protected final MessageLog delegate;

  protected ForwardingMessageLog(MessageLog delegate) {
    this.delegate = delegate;
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
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return delegate.after(room, afterSeq, limit);
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return delegate.before(room, beforeSeq, limit);
  }
}
