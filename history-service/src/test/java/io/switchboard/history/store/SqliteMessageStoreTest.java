package io.switchboard.history.store;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.MessageStoreContract;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded store keeps the whole {@link MessageStoreContract} (and {@link JsonTextStoreContract}),
 * across a reopen too.
 */
class SqliteMessageStoreTest extends JsonTextStoreContract {

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

  @Test
  void anAppendTheStoreRefusesFailsAloneAndTheRestOfItsGroupCommits() throws Exception {
    List<String> rooms = List.of("first", "poisoned", "bystander");
    List<String> epochs = rooms.stream().map(r -> store.state(r).await().epoch()).toList();
    // Occupy the single writer thread: the appends below queue behind it, the first alone, the
    // other two together in the next group commit.
    CountDownLatch writerHeld = new CountDownLatch(1);
    WorkerExecutor writer = vertx.createSharedWorkerExecutor("switchboard-sqlite-writer", 1);
    writer.executeBlocking(() -> writerHeld.await(10, TimeUnit.SECONDS));

    Future<AppendResult> first = store.append("first", epochs.get(0), List.of(message("first", "a")));
    Future<AppendResult> poisoned = store.append("poisoned", epochs.get(1), List.of(message("poisoned", "b\u0000")));
    Future<AppendResult> bystander = store.append("bystander", epochs.get(2), List.of(message("bystander", "c")));
    writerHeld.countDown();

    assertThat(first.await()).isEqualTo(new AppendResult.Appended(1, epochs.get(0)));
    assertThatThrownBy(poisoned::await).isInstanceOf(UnprocessableMessageException.class);
    assertThat(bystander.await()).isEqualTo(new AppendResult.Appended(1, epochs.get(2)));
    assertThat(store.state("poisoned").await().top()).isZero();
    writer.close().await();
  }

  private static StoredMessage message(String room, String clientMsgId) {
    return new StoredMessage(room, 1, "alice", clientMsgId, "hi", 1_700_000_000_000L);
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
