package io.switchboard.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A service's parts stop in the reverse order of their start, one after the other, whatever fails. */
class StopSequenceTest {

  private final List<String> stopped = new ArrayList<>();
  private final StopSequence parts = new StopSequence("test");

  private Stoppable recording(String name) {
    return () -> {
      stopped.add(name);
      return Future.succeededFuture();
    };
  }

  @Test
  void partsStopLastStartedFirst() {
    parts.add("store", recording("store")).add("verticles", recording("verticles")).add("timer", recording("timer"));

    assertThat(parts.stop().succeeded()).isTrue();
    assertThat(stopped).containsExactly("timer", "verticles", "store");
  }

  @Test
  void aPartStopsOnlyOnceThePartStartedAfterItHasStopped() {
    Promise<Void> verticlesUndeployed = Promise.promise();
    parts.add("store", recording("store")).add("verticles", () -> {
      stopped.add("verticles stopping");
      return verticlesUndeployed.future();
    });

    Future<Void> stop = parts.stop();
    assertThat(stopped).containsExactly("verticles stopping");
    assertThat(stop.isComplete()).isFalse();

    verticlesUndeployed.complete();
    assertThat(stopped).containsExactly("verticles stopping", "store");
    assertThat(stop.succeeded()).isTrue();
  }

  @Test
  void aPartThatFailsToStopDoesNotKeepTheOthersRunning() {
    parts.add("store", recording("store"))
        .add("failing", () -> Future.failedFuture(new IllegalStateException("stuck")))
        .add("throwing", () -> {
          throw new IllegalStateException("broken");
        });

    assertThat(parts.stop().succeeded()).isTrue();
    assertThat(stopped).containsExactly("store");
  }

  @Test
  void stoppingTwiceStopsEachPartOnce() {
    AtomicInteger stops = new AtomicInteger();
    parts.add("store", () -> {
      stops.incrementAndGet();
      return Future.succeededFuture();
    });

    Future<Void> first = parts.stop();
    assertThat(parts.stop()).isSameAs(first);
    assertThat(stops).hasValue(1);
  }

  @Test
  void aPartAddedWhileStoppingIsStoppedAfterTheOthers() {
    Promise<Void> slow = Promise.promise();
    parts.add("slow", () -> slow.future());
    Future<Void> stop = parts.stop();

    parts.add("late", recording("late"));
    assertThat(stopped).isEmpty();
    slow.complete();
    assertThat(stop.succeeded()).isTrue();
    assertThat(stopped).containsExactly("late");
  }

  @Test
  void aDeployThatStartsCompletesWithItsParts() {
    parts.add("store", recording("store"));

    Future<Stoppable> deployed = parts.whenStarted(Future.succeededFuture("deployment-1"));

    assertThat(deployed.result()).isSameAs(parts);
    assertThat(stopped).isEmpty();
  }

  @Test
  void aDeployThatFailsStopsWhatItStartedAndFailsWithItsOwnCause() {
    IllegalStateException portTaken = new IllegalStateException("port taken");
    parts.add("store", recording("store")).add("timer", recording("timer"));

    Future<Stoppable> deployed = parts.whenStarted(Future.failedFuture(portTaken));

    assertThat(stopped).containsExactly("timer", "store");
    assertThat(deployed.cause()).isSameAs(portTaken);
  }
}
