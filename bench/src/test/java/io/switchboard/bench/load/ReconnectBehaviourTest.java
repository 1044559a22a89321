package io.switchboard.bench.load;

import io.vertx.core.MultiMap;
import io.vertx.core.http.UpgradeRejectedException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator's reconnecting clients wait as the SDK does (docs/protocol.md, "Client SDK"). */
class ReconnectBehaviourTest {

  @Test
  void theFirstReconnectWaitsOneToFiveSeconds() {
    assertThat(Population.reconnectDelayMs(0, 0.0)).isEqualTo(1_000);
    assertThat(Population.reconnectDelayMs(0, 0.5)).isEqualTo(3_000);
    assertThat(Population.reconnectDelayMs(0, 0.999_999)).isBetween(4_999L, 5_000L);
  }

  @Test
  void laterAttemptsDoubleTheCapUpToThirtySecondsAboveAOneSecondFloor() {
    assertThat(Population.reconnectDelayMs(1, 0.999_999)).isBetween(9_999L, 10_000L);
    assertThat(Population.reconnectDelayMs(2, 0.999_999)).isBetween(19_999L, 20_000L);
    assertThat(Population.reconnectDelayMs(3, 0.999_999)).isBetween(29_999L, 30_000L);
    assertThat(Population.reconnectDelayMs(40, 0.999_999)).isBetween(29_999L, 30_000L);
    assertThat(Population.reconnectDelayMs(40, 0.0)).isEqualTo(1_000);
  }

  @Test
  void aRefusalWith503WaitsItsRetryAfter() {
    UpgradeRejectedException refused = new UpgradeRejectedException("refused", 503,
        MultiMap.caseInsensitiveMultiMap().add("Retry-After", "4"), null);

    assertThat(Population.retryAfterMs(refused)).isEqualTo(4_000);
  }

  @Test
  void otherFailuresHaveNoRetryAfter() {
    assertThat(Population.retryAfterMs(new ConnectException("refused"))).isZero();
    assertThat(Population.retryAfterMs(new UpgradeRejectedException("forbidden", 403,
        MultiMap.caseInsensitiveMultiMap().add("Retry-After", "4"), null))).isZero();
    assertThat(Population.retryAfterMs(new UpgradeRejectedException("no header", 503,
        MultiMap.caseInsensitiveMultiMap(), null))).isZero();
  }
}
