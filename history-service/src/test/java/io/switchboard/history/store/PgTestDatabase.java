package io.switchboard.history.store;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import org.junit.jupiter.api.Assumptions;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh schema on the test PostgreSQL server at 127.0.0.1:5432 (database {@code test}, override
 * with SWITCHBOARD_TEST_PG_*), for one test. CI sets SWITCHBOARD_REQUIRE_POSTGRES=1 so that a
 * missing server fails instead of skipping.
 */
public final class PgTestDatabase {

  private final Vertx vertx;
  private final PgOptions options = new PgOptions(
      env("SWITCHBOARD_TEST_PG_HOST", "127.0.0.1"), Integer.parseInt(env("SWITCHBOARD_TEST_PG_PORT", "5432")),
      env("SWITCHBOARD_TEST_PG_DATABASE", "test"), env("SWITCHBOARD_TEST_PG_USER", "postgres"),
      env("SWITCHBOARD_TEST_PG_PASSWORD", ""), "sb_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), 4);

  public PgTestDatabase(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Options of a store on this test's own schema. */
  public PgOptions options() {
    return options;
  }

  /** Skips the calling test when the server is unreachable, unless CI requires PostgreSQL. */
  public void requireServer() {
    try {
      var probe = PgBuilder.client().connectingTo(connectOptions()).using(vertx).build();
      probe.query("SELECT 1").execute().await();
      probe.close().await();
    } catch (Exception e) {
      assertThat(System.getenv("SWITCHBOARD_REQUIRE_POSTGRES")).as("PostgreSQL required but unreachable: %s", e).isNotEqualTo("1");
      Assumptions.abort("PostgreSQL is not reachable at " + options.host() + ":" + options.port() + ": " + e.getMessage());
    }
  }

  /** Drops this test's schema. */
  public void dropSchema() {
    var admin = PgBuilder.client().connectingTo(connectOptions()).using(vertx).build();
    admin.query("DROP SCHEMA IF EXISTS " + options.schema() + " CASCADE").execute().await();
    admin.close().await();
  }

  private PgConnectOptions connectOptions() {
    return options.connectOptions();
  }

  private static String env(String name, String def) {
    return System.getenv().getOrDefault(name, def);
  }
}
