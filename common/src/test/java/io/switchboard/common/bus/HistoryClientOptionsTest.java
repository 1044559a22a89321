package io.switchboard.common.bus;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryClientOptionsTest {

  private static HistoryClientOptions room(Map<String, String> env) {
    return HistoryClientOptions.from(new ConfigSource(new JsonObject(), env), "room", Duration.ofSeconds(3));
  }

  @Test
  void byDefaultAnInstanceHasOneSecondBeforeTheNextIsTried() {
    assertThat(room(Map.of())).isEqualTo(new HistoryClientOptions(Duration.ofSeconds(3), Duration.ofSeconds(1)));
  }

  @Test
  void theSettingsAreReadUnderTheServicesPrefix() {
    assertThat(room(Map.of("SWITCHBOARD_ROOM_HISTORY_TIMEOUT_MS", "4000", "SWITCHBOARD_ROOM_HISTORY_ATTEMPT_TIMEOUT_MS", "500")))
        .isEqualTo(new HistoryClientOptions(Duration.ofSeconds(4), Duration.ofMillis(500)));
  }

  @Test
  void aTimeOutShorterThanASecondIsAlsoTheAttemptTimeOut() {
    assertThat(room(Map.of("SWITCHBOARD_ROOM_HISTORY_TIMEOUT_MS", "300")).attemptTimeout()).isEqualTo(Duration.ofMillis(300));
  }

  @Test
  void anAttemptLongerThanTheCallOrNoTimeAtAllIsRefused() {
    assertThatThrownBy(() -> room(Map.of("SWITCHBOARD_ROOM_HISTORY_ATTEMPT_TIMEOUT_MS", "5000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("must not exceed");
    assertThatThrownBy(() -> room(Map.of("SWITCHBOARD_ROOM_HISTORY_TIMEOUT_MS", "0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("positive");
  }
}
