package io.switchboard.history.store;

import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.MessageStoreContract;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;

/**
 * The PostgreSQL store keeps the whole {@link MessageStoreContract} (and {@link JsonTextStoreContract}),
 * against the real server ({@link PgTestDatabase}). Each test gets its own schema, dropped afterwards.
 */
class PgMessageStoreTest extends JsonTextStoreContract {

  private final Vertx vertx = Vertx.vertx();
  private final PgTestDatabase database = new PgTestDatabase(vertx);
  private PgMessageStore open;

  @Override
  protected MessageStore newStore() {
    database.requireServer();
    open = PgMessageStore.open(vertx, database.options()).await();
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
      database.dropSchema();
    }
    vertx.close().await();
  }
}
