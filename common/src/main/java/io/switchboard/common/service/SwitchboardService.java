package io.switchboard.common.service;

import io.switchboard.common.cluster.Role;
import io.vertx.core.Future;

/** One kind of Switchboard process: its role in the cluster and how it deploys its verticles. */
public interface SwitchboardService {

  Role role();

  /** Deploys the service's verticles; completes when they are bound and ready. */
  Future<?> deploy(ServiceContext context);
}
