package io.switchboard.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The service and the management endpoint start side by side; the endpoint may answer before the
 * service is up, so readiness must not say ready until it is, and SIGTERM still stops the endpoint
 * first.
 */
class ServiceLauncherStartTest {

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HealthChecks readiness = HealthChecks.create(vertx);
  private final StopSequence running = new StopSequence("process");

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private Future<String> deployEndpoint() {
    return vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> stop() {
        events.add("endpoint stopped");
        return Future.succeededFuture();
      }
    });
  }

  private Stoppable service() {
    return () -> {
      events.add("service stopped");
      return Future.succeededFuture();
    };
  }

  private boolean ready() {
    CheckResult result = readiness.checkStatus().await();
    return result.getUp();
  }

  @Test
  void readinessSaysNotReadyWhileTheEndpointIsUpAndTheServiceIsStillStarting() throws Exception {
    Promise<Stoppable> serviceStart = Promise.promise();
    CompletableFuture<Void> endpointUp = new CompletableFuture<>();
    CompletableFuture<Void> launched = CompletableFuture.runAsync(() -> ServiceLauncher.deployInParallel(vertx,
        serviceStart::future, () -> deployEndpoint().onSuccess(id -> endpointUp.complete(null)), readiness, running));

    endpointUp.get(10, TimeUnit.SECONDS);
    assertThat(ready()).isFalse();

    serviceStart.complete(service());
    launched.get(10, TimeUnit.SECONDS);
    assertThat(ready()).isTrue();
  }

  @Test
  void onShutdownTheEndpointStopsBeforeTheServiceWhicheverStartedFirst() {
    Promise<Stoppable> serviceStart = Promise.promise();
    vertx.setTimer(100, t -> serviceStart.complete(service()));

    ServiceLauncher.deployInParallel(vertx, serviceStart::future, this::deployEndpoint, readiness, running);
    running.stop().await();

    assertThat(events).containsExactly("endpoint stopped", "service stopped");
  }

  @Test
  void whenTheEndpointCannotStartTheServiceThatDidIsStillStoppedOnShutdown() {
    assertThatThrownBy(() -> ServiceLauncher.deployInParallel(vertx, () -> Future.succeededFuture(service()),
        () -> Future.failedFuture(new IllegalStateException("port in use")), readiness, running))
        .hasMessageContaining("port in use");
    running.stop().await();

    assertThat(events).containsExactly("service stopped");
  }
}
