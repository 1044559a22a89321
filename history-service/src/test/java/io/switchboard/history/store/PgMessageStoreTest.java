package io.switchboard.history.store;

import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.MessageStoreContract;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL store keeps the whole {@link MessageStoreContract} (and {@link JsonTextStoreContract}), against the real server on
 * 127.0.0.1:5432 (database {@code test}, override with SWITCHBOARD_TEST_PG_*). Each test gets its
 * own schema, dropped afterwards. CI sets SWITCHBOARD_REQUIRE_POSTGRES=1 so that a missing server
 * fails instead of skipping.
 */
class PgMessageStoreTest extends JsonTextStoreContract {

  private final Vertx vertx = Vertx.vertx();
  private final PgOptions options = new PgOptions(
      env("SWITCHBOARD_TEST_PG_HOST", "127.0.0.1"), Integer.parseInt(env("SWITCHBOARD_TEST_PG_PORT", "5432")),
      env("SWITCHBOARD_TEST_PG_DATABASE", "test"), env("SWITCHBOARD_TEST_PG_USER", "postgres"),
      env("SWITCHBOARD_TEST_PG_PASSWORD", ""), "sb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), 4);
  private PgMessageStore open;

  @Override
  protected MessageStore newStore() {
    requireServer();
    open = PgMessageStore.open(vertx, options).await();
    return open;
  }

  @Override
  protected MessageStore reopen() {
    open.close().await();
    return newStore();
  }

  @AfterEach
  void dropSchema() {
    if (open != null) {
      open.close().await();
      var admin = PgBuilder.client().connectingTo(connectOptions()).using(vertx).build();
      admin.query("DROP SCHEMA IF EXISTS " + options.schema() + " CASCADE").execute().await();
      admin.close().await();
    }
    vertx.close().await();
  }

  private void requireServer() {
    try {
      var probe = PgBuilder.client().connectingTo(connectOptions()).using(vertx).build();
      probe.query("SELECT 1").execute().await();
      probe.close().await();
    } catch (Exception e) {
      assertThat(System.getenv("SWITCHBOARD_REQUIRE_POSTGRES")).as("PostgreSQL required but unreachable: %s", e).isNotEqualTo("1");
      Assumptions.abort("PostgreSQL is not reachable at " + options.host() + ":" + options.port() + ": " + e.getMessage());
    }
  }

  private PgConnectOptions connectOptions() {
    return new PgConnectOptions().setHost(options.host()).setPort(options.port()).setDatabase(options.database())
        .setUser(options.user()).setPassword(options.password());
  }

  private static String env(String name, String def) {
    return System.getenv().getOrDefault(name, def);
  }
}
