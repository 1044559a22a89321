package io.switchboard.history;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The message stores the history service can run on, as named by {@code history.store}. */
public enum StoreKind {

  /** Embedded SQLite, the default: durable, for one history instance. */
  SQLITE("sqlite"),
  /** PostgreSQL: any number of history instances share it. */
  POSTGRES("postgres"),
  /** In memory: tests and demos only, history is lost on restart. */
  MEMORY("memory");

  /** The setting that chooses the store. */
  public static final String KEY = "history.store";

  private final String id;

  StoreKind(String id) {
    this.id = id;
  }

  /** The value of {@code history.store} that names this kind. */
  public String id() {
    return id;
  }

  /** Whether more than one history instance may serve this store at once. */
  public boolean sharedByInstances() {
    return this == POSTGRES;
  }

  /**
   * The kind {@code history.store} names, {@link #SQLITE} when unset.
   *
   * @throws ConfigException naming the key and the accepted values when the value is none of them
   */
  public static StoreKind from(ConfigSource src) {
    String value = src.string(KEY, SQLITE.id);
    for (StoreKind kind : values()) {
      if (kind.id.equals(value)) {
        return kind;
      }
    }
    throw new ConfigException("config " + KEY + " (env " + ConfigSource.envName(KEY) + ") is '" + value
        + "', expected " + Arrays.stream(values()).map(StoreKind::id).collect(Collectors.joining(", ")));
  }
}
