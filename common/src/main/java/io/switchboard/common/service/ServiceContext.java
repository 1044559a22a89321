package io.switchboard.common.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.common.cluster.ClusterView;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;

import java.util.function.LongSupplier;

/**
 * What a service gets from the launcher when it deploys. Its settings it has already read, from
 * the configuration it was built with.
 *
 * @param vertx the clustered Vert.x instance
 * @param cluster live membership by role
 * @param meters the Prometheus-backed registry scraped at {@code /metrics}
 * @param readiness checks behind {@code /health/ready}; register one per dependency
 * @param clock wall-clock time in epoch milliseconds, for everything that reads the time (expiry,
 *     deadlines, retention, log limits); {@code System::currentTimeMillis} in a process, a fake in tests
 */
public record ServiceContext(
    Vertx vertx, ClusterView cluster, MeterRegistry meters, HealthChecks readiness, LongSupplier clock) {
}
