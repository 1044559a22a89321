package io.switchboard.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Closes many connections spread evenly over a window instead of all at once: the clients of a
 * gateway that shuts down are told to reconnect elsewhere, and arrive there spread out rather than
 * as one storm. Runs on the caller's event loop, one batch per tick.
 */
final class PacedClose {

  static final long TICK_MS = 50;

  private PacedClose() {
  }

  /**
   * Closes every item with {@code close}, the first batch now and the rest in equal batches every
   * {@link #TICK_MS} until {@code window} has passed.
   *
   * @return completes once the last item was closed
   */
  static <T> Future<Void> over(Vertx vertx, List<T> items, Duration window, Consumer<T> close) {
    long ticks = Math.max(1, window.toMillis() / TICK_MS);
    int perTick = (int) Math.max(1, (items.size() + ticks - 1) / ticks);
    Iterator<T> left = items.iterator();
    closeSome(left, perTick, close);
    if (!left.hasNext()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    vertx.setPeriodic(TICK_MS, id -> {
      closeSome(left, perTick, close);
      if (!left.hasNext()) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }

  private static <T> void closeSome(Iterator<T> left, int count, Consumer<T> close) {
    for (int i = 0; i < count && left.hasNext(); i++) {
      close.accept(left.next());
    }
  }
}
