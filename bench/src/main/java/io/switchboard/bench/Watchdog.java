package io.switchboard.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Bounds a benchmark run in time: halts the JVM (exit 3) if it is still running after {@code --max-seconds}. */
public final class Watchdog {

  private static final Logger log = LoggerFactory.getLogger(Watchdog.class);

  private Watchdog() {
  }

  /** Starts the watchdog; interrupt the returned thread when the run finished in time. */
  public static Thread start(int maxSeconds) {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(maxSeconds * 1000L);
        log.error("run exceeded --max-seconds {}; stopping", maxSeconds);
        Runtime.getRuntime().halt(3);
      } catch (InterruptedException done) {
        // finished in time
      }
    }, "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    return watchdog;
  }
}
