package io.switchboard.common.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigSourceTest {

  @Test
  void dottedCamelCaseKeysMapToPrefixedEnvironmentNames() {
    assertThat(ConfigSource.envName("cluster.bindHost")).isEqualTo("SWITCHBOARD_CLUSTER_BIND_HOST");
    assertThat(ConfigSource.envName("gateway.port")).isEqualTo("SWITCHBOARD_GATEWAY_PORT");
  }

  @Test
  void theEnvironmentOverridesTheJsonFileWhichOverridesDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("switchboard.json");
    Files.writeString(file, new JsonObject()
        .put("cluster", new JsonObject().put("name", "from-file").put("port", 6000).put("members", List.of("a", "b")))
        .encode());
    ConfigSource src = ConfigSource.load(new String[] {"--config", file.toString()},
        Map.of("SWITCHBOARD_CLUSTER_PORT", "7000"));
    ClusterOptions cluster = ClusterOptions.from(src);
    assertThat(cluster.name()).isEqualTo("from-file");
    assertThat(cluster.port()).isEqualTo(7000);
    assertThat(cluster.members()).containsExactly("a", "b");
    assertThat(cluster.bindHost()).isEqualTo("127.0.0.1");
    assertThat(cluster.maxNoHeartbeat()).isEqualTo(Duration.ofSeconds(5));
    assertThat(cluster.eventBusPort()).as("a fixed port a firewall rule can name").isEqualTo(5801);
  }

  @Test
  void listsComeFromCommaSeparatedEnvironmentValues() {
    ConfigSource src = new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_CLUSTER_MEMBERS", "10.0.0.1, 10.0.0.2:5702"));
    assertThat(ClusterOptions.from(src).members()).containsExactly("10.0.0.1", "10.0.0.2:5702");
  }

  @Test
  void aMalformedValueNamesTheKeyAndItsEnvironmentVariable() {
    ConfigSource src = new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_CLUSTER_PORT", "five"));
    assertThatThrownBy(() -> ClusterOptions.from(src))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.port").hasMessageContaining("SWITCHBOARD_CLUSTER_PORT");
  }

  @Test
  void anUnreadableConfigFileIsAClearError() {
    assertThatThrownBy(() -> ConfigSource.load(new String[] {"--config", "/nonexistent/sb.json"}, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/sb.json");
  }
}
