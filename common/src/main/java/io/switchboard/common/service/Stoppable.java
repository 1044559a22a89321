package io.switchboard.common.service;

import io.vertx.core.Future;

/**
 * Something that was started and can be stopped: a deployed service, a verticle deployment, an
 * open store, a timer. The counterpart of a start, after Eclipse Hono's {@code Lifecycle}.
 */
@FunctionalInterface
public interface Stoppable {

  /** Stops it; completes once it has stopped (or failed to). */
  Future<?> stop();
}
