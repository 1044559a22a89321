package io.switchboard.bench.load;

import org.HdrHistogram.Histogram;

/** How the results round their numbers: two decimals, latencies recorded in microseconds shown in milliseconds. */
final class Numbers {

  private Numbers() {
  }

  static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The histogram's value at {@code percentile}, microseconds to milliseconds, rounded. */
  static double ms(Histogram h, double percentile) {
    return round(h.getValueAtPercentile(percentile) / 1000.0);
  }
}
