package io.switchboard.history;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code history.store} takes the documented names only, and embedded SQLite by default. */
class StoreKindTest {

  private static StoreKind kind(String value) {
    return StoreKind.from(new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_HISTORY_STORE", value)));
  }

  @Test
  void theDocumentedNamesChooseTheirStore() {
    assertThat(kind("sqlite")).isEqualTo(StoreKind.SQLITE);
    assertThat(kind("postgres")).isEqualTo(StoreKind.POSTGRES);
    assertThat(kind("memory")).isEqualTo(StoreKind.MEMORY);
  }

  @Test
  void withoutTheSettingTheStoreIsEmbeddedSqlite() {
    assertThat(StoreKind.from(ConfigSource.empty())).isEqualTo(StoreKind.SQLITE);
  }

  @Test
  void anUnknownNameStopsTheServiceNamingTheSettingAndTheAcceptedNames() {
    assertThatThrownBy(() -> kind("mysql")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("history.store").hasMessageContaining("SWITCHBOARD_HISTORY_STORE")
        .hasMessageContaining("'mysql'").hasMessageContaining("sqlite, postgres, memory");
  }

  @Test
  void onlyPostgresqlIsSharedByInstances() {
    assertThat(StoreKind.POSTGRES.sharedByInstances()).isTrue();
    assertThat(StoreKind.SQLITE.sharedByInstances()).isFalse();
    assertThat(StoreKind.MEMORY.sharedByInstances()).isFalse();
  }
}
