package io.switchboard.history.store;

import io.switchboard.common.config.ConfigSource;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PgOptionsTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void aTransactionLeftOpenIsEndedByTheServerAfterTwoSecondsUnlessConfiguredOtherwise() {
    assertThat(PgOptions.from(ConfigSource.empty()).idleInTransactionTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(PgOptions.from(new ConfigSource(new JsonObject(),
        Map.of("SWITCHBOARD_HISTORY_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS", "0"))).idleInTransactionTimeout()).isZero();
  }

  @Test
  void theStoresConnectionsTellTheServerToEndATransactionLeftIdle() {
    PgTestDatabase database = new PgTestDatabase(vertx);
    database.requireServer();
    PgOptions options = database.options();
    var client = PgBuilder.client().connectingTo(options.connectOptions()).using(vertx).build();
    try {
      String setting = client.query("SHOW idle_in_transaction_session_timeout").execute().await()
          .iterator().next().getString(0);
      assertThat(setting).isEqualTo("2s");
    } finally {
      client.close().await();
    }
  }
}
