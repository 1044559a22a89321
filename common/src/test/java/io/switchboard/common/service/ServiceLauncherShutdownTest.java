package io.switchboard.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** On SIGTERM the service stops first and the process leaves the cluster after it, within a bound. */
class ServiceLauncherShutdownTest {

  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();

  /** Stands for everything {@code vertx.close()} takes down: it records when that happens. */
  private void deployWhatCloseTakesDown() {
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> stop() {
        events.add("left the cluster");
        return Future.succeededFuture();
      }
    }).await();
  }

  @Test
  void theServiceStopsCompletelyBeforeTheProcessLeavesTheCluster() {
    deployWhatCloseTakesDown();
    Stoppable service = () -> {
      events.add("service stopping");
      // Still usable: the cluster is left only after this completes.
      return vertx.timer(50).onSuccess(v -> events.add("service stopped"));
    };

    ServiceLauncher.shutdown(service, vertx, Duration.ofSeconds(5), Duration.ofSeconds(10));

    assertThat(events).containsExactly("service stopping", "service stopped", "left the cluster");
  }

  @Test
  void aServiceThatDoesNotStopInTimeDoesNotKeepTheProcessInTheCluster() {
    deployWhatCloseTakesDown();
    Stoppable stuck = () -> Promise.promise().future();

    long start = System.nanoTime();
    ServiceLauncher.shutdown(stuck, vertx, Duration.ofMillis(200), Duration.ofSeconds(10));

    assertThat(events).containsExactly("left the cluster");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }
}
