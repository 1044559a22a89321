package io.switchboard.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * How many deliveries arrived in each {@code bucketMs} slice of time (System.nanoTime) from
 * {@code startNanos} on, and from that the longest stretch with no delivery at all: the pause a
 * group of clients saw. Deliveries before the start or past the last bucket are ignored.
 * Thread-safe: every event loop records into it.
 */
final class DeliveryTimeline {

  /** A stretch with no delivery: it began {@code fromMs} after the timeline's start and lasted {@code ms}. */
  record Gap(long fromMs, long ms) {
    static final Gap NONE = new Gap(0, 0);
  }

  private final long startNanos;
  private final long bucketNanos;
  private final int bucketMs;
  private final AtomicIntegerArray counts;

  DeliveryTimeline(long startNanos, int bucketMs, long spanMs) {
    this.startNanos = startNanos;
    this.bucketMs = bucketMs;
    this.bucketNanos = TimeUnit.MILLISECONDS.toNanos(bucketMs);
    this.counts = new AtomicIntegerArray((int) (spanMs / bucketMs) + 1);
  }

  void record(long nanos) {
    long i = (nanos - startNanos) / bucketNanos;
    if (nanos >= startNanos && i < counts.length()) {
      counts.incrementAndGet((int) i);
    }
  }

  /** Milliseconds from the timeline's start to {@code nanos}. */
  long offsetMs(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - startNanos);
  }

  /** Deliveries recorded between the two offsets (whole buckets, {@code fromMs} inclusive, {@code toMs} exclusive). */
  long deliveries(long fromMs, long toMs) {
    long n = 0;
    for (int i = bucket(fromMs); i < bucket(toMs); i++) {
      n += counts.get(i);
    }
    return n;
  }

  /**
   * The longest run of buckets without a delivery that overlaps {@code [fromMs, toMs)}, measured to
   * the bucket ({@code bucketMs} resolution); a run that began before {@code fromMs} counts from
   * where it began.
   */
  Gap longestGap(long fromMs, long toMs) {
    int from = bucket(fromMs);
    int to = bucket(toMs);
    Gap longest = Gap.NONE;
    int i = from;
    while (i < to) {
      if (counts.get(i) != 0) {
        i++;
        continue;
      }
      int start = i;
      while (start > 0 && counts.get(start - 1) == 0) {
        start--;
      }
      int end = i;
      while (end < to && counts.get(end) == 0) {
        end++;
      }
      long ms = (long) (end - start) * bucketMs;
      if (ms > longest.ms()) {
        longest = new Gap((long) start * bucketMs, ms);
      }
      i = end;
    }
    return longest;
  }

  private int bucket(long offsetMs) {
    return (int) Math.max(0, Math.min(counts.length(), offsetMs / bucketMs));
  }
}
