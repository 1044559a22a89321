package io.switchboard.common.bus;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.time.Duration;

/**
 * How long a service waits for the history service ({@link EventBusMessageLog}).
 *
 * @param timeout deadline of one history call, retries on other instances included
 * @param attemptTimeout how long one instance may take to answer while another live instance is
 *     left to try; the last instance left gets whatever remains of {@code timeout}
 */
public record HistoryClientOptions(Duration timeout, Duration attemptTimeout) {

  public HistoryClientOptions {
    if (timeout.isNegative() || timeout.isZero() || attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new ConfigException("history time-outs must be positive, were " + timeout + " and " + attemptTimeout);
    }
    if (attemptTimeout.compareTo(timeout) > 0) {
      throw new ConfigException("the history attempt time-out (" + attemptTimeout
          + ") must not exceed the history time-out (" + timeout + ")");
    }
  }

  /**
   * Reads {@code <service>.historyTimeoutMs} and {@code <service>.historyAttemptTimeoutMs}
   * (1 s, or the time-out if that is shorter).
   *
   * @param service the settings' prefix: {@code room} or {@code gateway}
   */
  public static HistoryClientOptions from(ConfigSource src, String service, Duration defaultTimeout) {
    Duration timeout = src.millis(service + ".historyTimeoutMs", defaultTimeout);
    Duration attempt = src.millis(service + ".historyAttemptTimeoutMs", min(Duration.ofSeconds(1), timeout));
    try {
      return new HistoryClientOptions(timeout, attempt);
    } catch (ConfigException e) {
      throw new ConfigException("config " + service + ".historyTimeoutMs (env " + ConfigSource.envName(service + ".historyTimeoutMs")
          + ") and " + service + ".historyAttemptTimeoutMs: " + e.getMessage());
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
