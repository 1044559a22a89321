package io.switchboard.presence;

import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.presence.store.InMemoryPresenceStore;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway's heartbeat makes its users online for the heartbeat's ttl, on the service's clock. */
class PresenceTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final Presence presence = new Presence(new InMemoryPresenceStore(), now::get);

  private List<String> online(String room) {
    return PresenceProtocol.users(presence.online(room));
  }

  @Test
  void aHeartbeatsUsersAreOnlineInTheirRoomsUntilItsTtlRunsOut() {
    presence.heartbeat(PresenceProtocol.heartbeat("gw-1/0", 5_000, Map.of("lobby", List.of("ben", "ann"))));

    assertThat(online("lobby")).containsExactly("ann", "ben");
    assertThat(online("elsewhere")).isEmpty();
    now.addAndGet(4_999);
    assertThat(online("lobby")).containsExactly("ann", "ben");
    now.addAndGet(1);
    assertThat(online("lobby")).isEmpty();
  }

  @Test
  void aHeartbeatWithoutATtlHoldsSixSeconds() {
    presence.heartbeat(new JsonObject().put("gateway", "gw-1/0")
        .put("rooms", new JsonObject().put("lobby", List.of("ann"))));

    now.addAndGet(5_999);
    assertThat(online("lobby")).containsExactly("ann");
    now.addAndGet(1);
    assertThat(online("lobby")).isEmpty();
  }

  @Test
  void expiryDropsOnlyTheGatewaysWhoseHeartbeatsStopped() {
    presence.heartbeat(PresenceProtocol.heartbeat("gw-1/0", 2_000, Map.of("lobby", List.of("ann"))));
    presence.heartbeat(PresenceProtocol.heartbeat("gw-2/0", 6_000, Map.of("lobby", List.of("ben"))));

    now.addAndGet(3_000);
    assertThat(presence.expire()).isEqualTo(1);
    assertThat(presence.expire()).isZero();
    assertThat(online("lobby")).containsExactly("ben");
  }
}
