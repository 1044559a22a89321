package io.switchboard.common.bus;

import io.switchboard.common.cluster.Role;
import io.switchboard.common.cluster.SettableClusterView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryInstancesTest {

  private final SettableClusterView cluster = new SettableClusterView("room-1").set(Role.HISTORY, "h1", "h2", "h3");
  private final AtomicLong now = new AtomicLong(1_000);
  private final List<Set<String>> left = new ArrayList<>();
  private final HistoryInstances instances = new HistoryInstances(cluster, now::get, 3_000, left::add);

  @Test
  void callsGoToEachLiveInstanceInTurnAndNeverTwiceToOne() {
    List<String> firsts = List.of(instances.next(Set.of()), instances.next(Set.of()), instances.next(Set.of()));
    assertThat(firsts).containsExactlyInAnyOrder("h1", "h2", "h3");

    assertThat(instances.next(Set.of("h1", "h2"))).isEqualTo("h3");
    assertThat(instances.next(Set.of("h1", "h2", "h3"))).isNull();
    assertThat(instances.anyUntried(Set.of("h1", "h3"))).isTrue();
    assertThat(instances.anyUntried(Set.of("h1", "h2", "h3"))).isFalse();
  }

  @Test
  void anInstanceThatTimedOutIsPassedOverUntilItsSuspicionEndsUnlessNoOtherIsLeft() {
    instances.suspect("h2");

    for (int i = 0; i < 6; i++) {
      assertThat(instances.next(Set.of())).isNotEqualTo("h2");
    }
    assertThat(instances.next(Set.of("h1", "h3"))).as("the last one left").isEqualTo("h2");

    now.addAndGet(3_001);
    List<String> afterwards = List.of(instances.next(Set.of()), instances.next(Set.of()), instances.next(Set.of()));
    assertThat(afterwards).contains("h2");
  }

  @Test
  void theListenerHearsWhichInstancesLeftOnceTheyAreNoLongerLive() {
    cluster.set(Role.HISTORY, "h1", "h2", "h3", "h4");
    cluster.set(Role.HISTORY, "h2", "h4");

    assertThat(left).containsExactly(Set.of("h1", "h3"));
    assertThat(instances.isLive("h1")).isFalse();
    assertThat(instances.next(Set.of("h2"))).isEqualTo("h4");
  }

  @Test
  void closingStopsWatchingTheMembership() {
    instances.close();
    cluster.set(Role.HISTORY);

    assertThat(left).isEmpty();
    assertThat(cluster.listeners()).isZero();
  }
}
