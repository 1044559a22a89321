package io.switchboard.common.service;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.common.config.ManagementOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The private management endpoint: {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} (Prometheus text format).
 */
public final class ManagementVerticle extends VerticleBase {

  private final ManagementOptions options;
  private final HealthChecks readiness;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public ManagementVerticle(ManagementOptions options, HealthChecks readiness, PrometheusMeterRegistry registry) {
    this.options = options;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    HealthChecks liveness = HealthChecks.create(vertx).register("event-loop", p -> p.complete(Status.OK()));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(liveness));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(readiness));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(options.port(), options.host())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    // Closed here rather than by the undeployment, which can complete before the port is released.
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The bound port (useful when configured as 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
