package io.switchboard.history.store;

import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.MessageStoreContract;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The embedded store keeps the whole {@link MessageStoreContract}, across a reopen too. */
class SqliteMessageStoreTest extends MessageStoreContract {

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private SqliteMessageStore open;

  @Override
  protected MessageStore newStore() {
    open = SqliteMessageStore.open(vertx, options()).await();
    return open;
  }

  @Override
  protected MessageStore reopen() {
    open.close().await();
    return newStore();
  }

  @AfterEach
  void close() {
    if (open != null) {
      open.close().await();
    }
    vertx.close().await();
  }

  private SqliteOptions options() {
    return new SqliteOptions(dir.resolve("history.db").toString(), "FULL", 2, 8192);
  }
}
