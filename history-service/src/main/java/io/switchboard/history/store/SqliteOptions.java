package io.switchboard.history.store;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.util.Set;

/**
 * The embedded store's settings.
 *
 * @param path database file (created with its folder if missing)
 * @param synchronous SQLite's {@code synchronous} pragma: {@code FULL} (default: fsync at every
 *     commit, survives power loss) or {@code NORMAL} (survives process crashes, not power loss)
 * @param readers connections (and threads) serving pages concurrently with the writer
 * @param maxGroupMessages most messages one group commit takes
 */
public record SqliteOptions(String path, String synchronous, int readers, int maxGroupMessages) {

  public SqliteOptions {
    if (!Set.of("FULL", "NORMAL", "EXTRA").contains(synchronous)) {
      throw new ConfigException("history.sqlite.synchronous must be FULL, NORMAL or EXTRA, was " + synchronous);
    }
    if (readers < 1 || maxGroupMessages < 1) {
      throw new ConfigException("history.sqlite.readers and history.sqlite.maxGroupMessages must be positive");
    }
  }

  public static SqliteOptions from(ConfigSource src) {
    return new SqliteOptions(
        src.string("history.sqlite.path", "data/switchboard-history.db"),
        src.string("history.sqlite.synchronous", "FULL").toUpperCase(),
        src.integer("history.sqlite.readers", 2),
        src.integer("history.sqlite.maxGroupMessages", 8192));
  }
}
