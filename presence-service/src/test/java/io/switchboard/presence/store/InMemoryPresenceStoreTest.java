package io.switchboard.presence.store;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryPresenceStoreTest {

  private final InMemoryPresenceStore store = new InMemoryPresenceStore();

  @Test
  void aRoomListsItsUsersAcrossEveryGatewayOnce() {
    store.update("gw-1/0", Map.of("lobby", Set.of("ann", "ben")), 10_000);
    store.update("gw-2/0", Map.of("lobby", Set.of("ben", "cy"), "other", Set.of("dee")), 10_000);
    assertThat(store.online("lobby", 1_000)).containsExactly("ann", "ben", "cy");
    assertThat(store.online("empty", 1_000)).isEmpty();
  }

  @Test
  void aNewSnapshotReplacesTheGatewaysPreviousOne() {
    store.update("gw-1/0", Map.of("lobby", Set.of("ann", "ben")), 10_000);
    store.update("gw-1/0", Map.of("lobby", Set.of("ben")), 10_000);
    assertThat(store.online("lobby", 1_000)).containsExactly("ben");
  }

  @Test
  void everySessionOfAGatewayWhoseHeartbeatsStopExpires() {
    store.update("gw-1/0", Map.of("lobby", Set.of("ann")), 5_000);
    store.update("gw-2/0", Map.of("lobby", Set.of("ben")), 9_000);
    assertThat(store.online("lobby", 6_000)).containsExactly("ben");
    assertThat(store.expire(6_000)).isEqualTo(1);
    assertThat(store.online("lobby", 6_000)).containsExactly("ben");
  }
}
