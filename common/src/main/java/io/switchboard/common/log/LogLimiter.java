package io.switchboard.common.log;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Caps how often a kind of log line is written, so that a client (or a flood of clients) cannot
 * fill the disk through the log. Per key, at most {@code perPeriod} lines per period are allowed;
 * the rest are counted, and the next allowed line reports how many were suppressed. Keys name
 * kinds of lines (a small fixed set such as {@code "client-error"}), never user or room ids.
 * Thread-safe.
 */
public final class LogLimiter {

  /** Returned by {@link #acquire} when the line must not be written. */
  public static final long DENIED = -1;

  private final int perPeriod;
  private final long periodMillis;
  private final LongSupplier clock;
  private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

  public LogLimiter(int perPeriod, Duration period, LongSupplier clock) {
    if (perPeriod < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("need at least one line per positive period");
    }
    this.perPeriod = perPeriod;
    this.periodMillis = period.toMillis();
    this.clock = clock;
  }

  /** At most {@code lines} lines per key and minute, on the system clock. */
  public static LogLimiter perMinute(int lines) {
    return perMinute(lines, System::currentTimeMillis);
  }

  /** At most {@code lines} lines per key and minute, on {@code clock} (milliseconds). */
  public static LogLimiter perMinute(int lines, LongSupplier clock) {
    return new LogLimiter(lines, Duration.ofMinutes(1), clock);
  }

  /**
   * Asks to write one line of kind {@code key}.
   *
   * @return {@link #DENIED}, or the number of lines of this kind suppressed since the last one
   *     written (log it with the line, e.g. as a {@code suppressed} key-value)
   */
  public long acquire(String key) {
    return windows.computeIfAbsent(key, k -> new Window()).acquire(clock.getAsLong());
  }

  private final class Window {
    private long start = Long.MIN_VALUE;
    private int written;
    private long suppressed;

    synchronized long acquire(long now) {
      if (now - start >= periodMillis || start == Long.MIN_VALUE) {
        start = now;
        written = 0;
      }
      if (written >= perPeriod) {
        suppressed++;
        return DENIED;
      }
      written++;
      long s = suppressed;
      suppressed = 0;
      return s;
    }
  }
}
