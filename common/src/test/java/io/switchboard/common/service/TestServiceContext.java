package io.switchboard.common.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.common.cluster.Role;
import io.switchboard.common.cluster.SettableClusterView;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;

import java.util.function.LongSupplier;

/**
 * A {@link ServiceContext} without a cluster, for deploying a service on a local Vert.x in a test:
 * one node, {@value #NODE}, that holds every role.
 */
public final class TestServiceContext {

  /** The id of the only node. */
  public static final String NODE = "local-node";

  private TestServiceContext() {
  }

  /** A context on {@code vertx} whose clock is {@code clock}. */
  public static ServiceContext local(Vertx vertx, LongSupplier clock) {
    SettableClusterView soleNode = new SettableClusterView(NODE);
    for (Role role : Role.values()) {
      soleNode.set(role, NODE);
    }
    return new ServiceContext(vertx, soleNode, new SimpleMeterRegistry(), HealthChecks.create(vertx), clock);
  }
}
