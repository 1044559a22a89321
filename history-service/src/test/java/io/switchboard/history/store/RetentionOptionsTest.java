package io.switchboard.history.store;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetentionOptionsTest {

  private static RetentionOptions from(JsonArray rules) {
    return RetentionOptions.from(new ConfigSource(new JsonObject().put("history", new JsonObject().put("retention", rules)),
        Map.of()));
  }

  @Test
  void rulesAreReadPerPrefixWithAbsentLimitsMeaningNoLimit() {
    RetentionOptions options = from(new JsonArray()
        .add(new JsonObject().put("prefix", "public:").put("maxMessages", 1000))
        .add(new JsonObject().put("prefix", "tmp:").put("maxAgeMs", 60_000)));

    assertThat(options.prefixes()).containsExactly("public:", "tmp:");
    assertThat(options.rules().get(0).maxMessages()).isEqualTo(1000);
    assertThat(options.rules().get(1).maxAge()).isEqualTo(Duration.ofMinutes(1));
    assertThat(options.interval()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aLimitThatIsNotAWholeNumberIsAConfigErrorNamingTheRuleAndField() {
    assertThatThrownBy(() -> from(new JsonArray().add(new JsonObject().put("prefix", "p:").put("maxMessages", "ten"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'p:'").hasMessageContaining("maxMessages");
    assertThatThrownBy(() -> from(new JsonArray().add(new JsonObject().put("prefix", "p:").put("maxAgeMs", 1.5))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("maxAgeMs");
  }

  @Test
  void aRuleWithoutAStringPrefixOrASecondRuleForAPrefixIsAConfigError() {
    assertThatThrownBy(() -> from(new JsonArray().add(new JsonObject().put("maxMessages", 5))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("prefix");
    assertThatThrownBy(() -> from(new JsonArray().add(new JsonObject().put("prefix", "a:"))
        .add(new JsonObject().put("prefix", "a:")))).isInstanceOf(ConfigException.class).hasMessageContaining("two rules");
  }
}
