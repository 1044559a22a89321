package io.switchboard.common.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * What a service gets from the launcher when it deploys.
 *
 * @param vertx the clustered Vert.x instance
 * @param config the configuration source (JSON file + environment)
 * @param cluster live membership by role
 * @param meters the Prometheus-backed registry scraped at {@code /metrics}
 * @param readiness checks behind {@code /health/ready}; register one per dependency
 */
public record ServiceContext(
    Vertx vertx, ConfigSource config, ClusterView cluster, MeterRegistry meters, HealthChecks readiness) {
}
