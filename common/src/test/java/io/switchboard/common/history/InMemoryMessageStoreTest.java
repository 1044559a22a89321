package io.switchboard.common.history;

/** The in-memory store keeps the whole {@link MessageStoreContract}. */
class InMemoryMessageStoreTest extends MessageStoreContract {
  @Override
  protected MessageStore newStore() {
    return new InMemoryMessageStore();
  }
}
