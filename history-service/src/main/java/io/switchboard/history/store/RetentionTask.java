package io.switchboard.history.store;

import io.switchboard.common.history.HistoryRetention;
import io.switchboard.common.history.RetentionRule;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Applies the retention rules to the store, one rule after the other, never two runs at once.
 * Called periodically by the history verticle.
 */
public final class RetentionTask {

  private static final Logger log = LoggerFactory.getLogger(RetentionTask.class);

  private final HistoryRetention store;
  private final RetentionOptions options;
  private final LongSupplier clock;
  private boolean running;

  public RetentionTask(HistoryRetention store, RetentionOptions options, LongSupplier clock) {
    this.store = store;
    this.options = options;
    this.clock = clock;
  }

  /** One pass over every rule; completes with the number of messages removed (0 if a pass was running). */
  public Future<Long> run() {
    if (running || options.rules().isEmpty()) {
      return Future.succeededFuture(0L);
    }
    running = true;
    long now = clock.getAsLong();
    Future<Long> chain = Future.succeededFuture(0L);
    for (RetentionRule rule : options.rules()) {
      chain = chain.compose(total -> store.applyRetention(rule, options.prefixes(), now).map(n -> {
        if (n > 0) {
          log.atInfo().addKeyValue("prefix", rule.prefix()).addKeyValue("removed", n).log("retention applied");
        }
        return total + n;
      }));
    }
    return chain
        .onFailure(e -> log.atWarn().setCause(e).log("retention pass failed; retrying next interval"))
        .onComplete(ar -> running = false);
  }
}
