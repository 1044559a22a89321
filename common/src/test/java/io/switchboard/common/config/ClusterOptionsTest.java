package io.switchboard.common.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterOptionsTest {

  private static ClusterOptions from(Map<String, String> env) {
    return ClusterOptions.from(new ConfigSource(new JsonObject(), env));
  }

  @Test
  void autoBindsTheAddressOnTheNetworkThatReachesTheFirstSeed() {
    ClusterOptions options = from(Map.of("SWITCHBOARD_CLUSTER_BIND_HOST", "auto",
        "SWITCHBOARD_CLUSTER_MEMBERS", "127.0.0.1:5701,10.9.9.9"));
    assertThat(options.bindHost()).isEqualTo("127.0.0.1");
    assertThat(options.publicHost()).as("announced as bound").isEqualTo("127.0.0.1");
    assertThat(options.members()).containsExactly("127.0.0.1:5701", "10.9.9.9");
  }

  @Test
  void withoutSeedsTheMembersDefaultToTheBindHost() {
    assertThat(from(Map.of("SWITCHBOARD_CLUSTER_BIND_HOST", "127.0.0.2")).members()).containsExactly("127.0.0.2");
  }

  @Test
  void aFrozenMemberIsDeclaredDeadAfterFiveSecondsOfOneSecondHeartbeatsByDefault() {
    ClusterOptions options = from(Map.of());
    assertThat(options.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(options.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void failureDetectionSettingsHazelcastWouldRoundOrThatLeaveNoMissedHeartbeatAreRefused() {
    assertThatThrownBy(() -> from(Map.of("SWITCHBOARD_CLUSTER_MAX_NO_HEARTBEAT_MS", "2500")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.maxNoHeartbeatMs").hasMessageContaining("whole");
    assertThatThrownBy(() -> from(Map.of("SWITCHBOARD_CLUSTER_HEARTBEAT_INTERVAL_MS", "500")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.heartbeatIntervalMs");
    assertThatThrownBy(() -> from(Map.of("SWITCHBOARD_CLUSTER_HEARTBEAT_INTERVAL_MS", "2000",
        "SWITCHBOARD_CLUSTER_MAX_NO_HEARTBEAT_MS", "3000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("at least twice");
    assertThat(from(Map.of("SWITCHBOARD_CLUSTER_MAX_NO_HEARTBEAT_MS", "2000")).maxNoHeartbeat())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aVanishedHostIsProbedEverySecondAndDeclaredDeadAfterTwoUnansweredPingsByDefault() {
    ClusterOptions.Probe probe = from(Map.of()).probe();
    assertThat(probe.enabled()).isTrue();
    assertThat(probe.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(probe.timeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(probe.attempts()).isEqualTo(2);
    assertThat(from(Map.of("SWITCHBOARD_CLUSTER_PROBE_INTERVAL_MS", "0")).probe().enabled()).as("0 turns it off").isFalse();
  }

  @Test
  void probeSettingsHazelcastWouldRefuseAreRefusedWithTheirKey() {
    assertThatThrownBy(() -> from(Map.of("SWITCHBOARD_CLUSTER_PROBE_INTERVAL_MS", "500")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.probeIntervalMs");
    assertThatThrownBy(() -> from(Map.of("SWITCHBOARD_CLUSTER_PROBE_TIMEOUT_MS", "1500")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.probeTimeoutMs");
    assertThatThrownBy(() -> from(Map.of("SWITCHBOARD_CLUSTER_PROBE_ATTEMPTS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cluster.probeAttempts");
  }

  @Test
  void aSeedsHostIsFoundInEveryMemberSyntax() {
    assertThat(List.of("history", "history:5701", "10.0.0.1:5702", "[fd00::1]:5701", "[fd00::1]", "fd00::1")
        .stream().map(OwnAddress::hostOf).toList())
        .containsExactly("history", "history", "10.0.0.1", "fd00::1", "fd00::1", "fd00::1");
  }
}
