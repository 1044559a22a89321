package io.switchboard.common.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.cluster.Role;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;

import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
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
    return new ServiceContext(vertx, new SoleNode(), new SimpleMeterRegistry(), HealthChecks.create(vertx), clock);
  }

  /** A cluster of this one node, in every role, that never changes. */
  private static final class SoleNode implements ClusterView {

    @Override
    public String localNodeId() {
      return NODE;
    }

    @Override
    public SortedSet<String> members(Role role) {
      return new TreeSet<>(List.of(NODE));
    }

    @Override
    public Registration onChange(Runnable listener) {
      return () -> {
      };
    }

    @Override
    public Registration onMergeStart(Runnable listener) {
      return () -> { };
    }

    @Override
    public Registration onRejoin(Runnable listener) {
      return () -> { };
    }
  }
}
