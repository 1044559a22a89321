package io.switchboard.gateway.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests waiting for a room-service instance stop waiting when it leaves the cluster, and only then. */
class AwaitedOwnersTest {

  private final AwaitedOwners awaited = new AwaitedOwners();

  @Test
  void requestsWaitingForAnInstanceThatLeftFailAtOnceWhileTheOthersKeepWaiting() {
    Future<String> toA = awaited.await("a", Promise.<String>promise().future());
    Future<String> toB = awaited.await("b", Promise.<String>promise().future());

    awaited.retain(Set.of("b"));

    assertThat(toA.failed()).isTrue();
    assertThat(toA.cause()).isInstanceOf(AwaitedOwners.OwnerLeftException.class).hasMessageContaining("a");
    assertThat(toB.isComplete()).isFalse();
  }

  @Test
  void anAnswerArrivingFirstIsPassedOnAndTheInstanceLeavingLaterChangesNothing() {
    Promise<String> answer = Promise.promise();
    Future<String> request = awaited.await("a", answer.future());

    answer.complete("seq 7");
    awaited.retain(Set.of());

    assertThat(request.result()).isEqualTo("seq 7");
  }

  @Test
  void aRequestResentFromTheFailureOfAnotherIsTrackedForItsNewInstance() {
    List<Future<String>> resent = new ArrayList<>();
    Promise<String> neverAnswered = Promise.promise();
    awaited.await("a", neverAnswered.future())
        .onFailure(e -> resent.add(awaited.await("b", Promise.<String>promise().future())));
    awaited.await("a", Promise.<String>promise().future());

    awaited.retain(Set.of("b"));
    awaited.retain(Set.of());

    assertThat(resent).hasSize(1);
    assertThat(resent.get(0).cause()).as("b left in its turn").isInstanceOf(AwaitedOwners.OwnerLeftException.class);
  }
}
