package io.switchboard.common.service;

import io.switchboard.common.cluster.Role;
import io.vertx.core.Future;

/**
 * One kind of Switchboard process: its role in the cluster, how it starts its parts and how they
 * stop. A service reads its settings in its constructor (the launcher builds it before joining the
 * cluster, so a bad setting stops the process early) and opens nothing before {@link #deploy}.
 */
public interface SwitchboardService {

  Role role();

  /**
   * Starts the service's parts (stores, timers, verticles) and completes, once they are bound and
   * ready, with what stops them: last started first, so that the service stops taking work before
   * it closes what that work uses (a {@link StopSequence}). When a part fails to start, the parts
   * already started are stopped before the returned future fails.
   */
  Future<Stoppable> deploy(ServiceContext context);
}
