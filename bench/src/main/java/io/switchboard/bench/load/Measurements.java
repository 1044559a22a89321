package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;

import static io.switchboard.bench.load.Numbers.ms;
import static io.switchboard.bench.load.Numbers.round;

/**
 * The generator's instrument: publishes at a rate for a window and reports what the clients saw
 * and what the target's processes spent, waits for a quiet system between phases, and measures
 * once what those processes burn with no traffic. Every method blocks the calling (main) thread.
 */
final class Measurements {

  /** A window is saturated above this p99, in microseconds: queues are growing. */
  static final long SATURATED_P99_MICROS = 500_000;

  private final LoadTarget target;
  /** The servers' CPU seconds per second with no traffic, once measured (negative until then). */
  private double idleCpuPerSecond = -1;

  Measurements(LoadTarget target) {
    this.target = target;
  }

  /**
   * Publishes at {@code rate} per publisher for warm-up plus {@code seconds}, measuring only the
   * latter; {@code fanout} deliveries are expected per message.
   */
  JsonObject measure(Population pop, String label, double rate, int warmup, int seconds, double fanout) throws Exception {
    pop.publish(rate);
    Thread.sleep(warmup * 1000L);
    pop.reset();
    double cpu0 = ProcStats.cpuSeconds(target.pids());
    long t0 = System.nanoTime();
    double offered = rate * pop.publisherCount();
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      System.err.printf("  %s %.1f msg/s, %.1f deliveries per message: %,d deliveries, %,d acks, %d errors so far%n",
          label, offered, fanout, pop.deliveries.sum(), pop.acks.sum(), pop.errors.sum());
    }
    double elapsed = (System.nanoTime() - t0) / 1e9;
    double cpu = ProcStats.cpuSeconds(target.pids()) - cpu0;
    Histogram h = pop.latencySnapshot();
    long deliveries = pop.deliveries.sum();
    long sends = pop.sends.sum();
    pop.publish(0);
    awaitQuiet(pop);
    double expected = offered * fanout;
    double achieved = deliveries / elapsed;
    boolean saturated = saturated(achieved, expected, h.getValueAtPercentile(99), pop.errors.sum(), sends);
    return new JsonObject().put("scenario", label).put("target", target.name()).put("members", (int) Math.round(fanout))
        .put("fanout", fanout).put("connections", pop.connections()).put("publishers", pop.publisherCount())
        .put("offeredSendRate", round(offered)).put("achievedSendRate", round(pop.acks.sum() / elapsed))
        .put("expectedDeliveriesPerSec", round(expected)).put("deliveriesPerSec", round(achieved))
        .put("p50ms", ms(h, 50)).put("p95ms", ms(h, 95)).put("p99ms", ms(h, 99)).put("p999ms", ms(h, 99.9))
        .put("maxMs", round(h.getMaxValue() / 1000.0)).put("errors", pop.errors.sum()).put("errorsByCode", pop.errorsByCode())
        .put("gaps", pop.gaps.sum()).put("cpuSeconds", round(cpu)).put("cpuMicrosPerDelivery", deliveries == 0 ? null : round(cpu * 1e6 / deliveries))
        .put("idleCpuPerSec", idleCpuPerSecond < 0 ? null : round(idleCpuPerSecond))
        .put("cpuMicrosPerDeliveryNet", deliveries == 0 || idleCpuPerSecond < 0 ? null
            : round(Math.max(0, cpu - idleCpuPerSecond * elapsed) * 1e6 / deliveries))
        .put("peakRssKiB", new JsonObject(new LinkedHashMap<>(ProcStats.peakRssKiB(target.pids()))))
        .put("saturated", saturated);
  }

  /**
   * Whether a window shows the target saturated: deliveries below 90% of what the offered rate
   * should produce, p99 above {@link #SATURATED_P99_MICROS}, or errors above 1% of sends.
   */
  static boolean saturated(double achievedDeliveriesPerSec, double expectedDeliveriesPerSec, long p99Micros, long errors,
                           long sends) {
    return achievedDeliveriesPerSec < 0.9 * expectedDeliveriesPerSec || p99Micros > SATURATED_P99_MICROS
        || errors > 0.01 * Math.max(1, sends);
  }

  /**
   * What the servers burn with no traffic (heartbeats, timers, cluster upkeep), measured once:
   * results also report CPU per delivery net of it, since at low rates it dominates the gross figure.
   */
  void measureIdleCpu() throws InterruptedException {
    if (idleCpuPerSecond < 0) {
      double cpu0 = ProcStats.cpuSeconds(target.pids());
      long t0 = System.nanoTime();
      Thread.sleep(5000);
      idleCpuPerSecond = (ProcStats.cpuSeconds(target.pids()) - cpu0) / ((System.nanoTime() - t0) / 1e9);
    }
  }

  /**
   * Publishes at {@code rate} in 1 s windows until one has no errors and at least 90% of its
   * expected deliveries (at most 120 s); returns the seconds that took.
   */
  double awaitRecovered(Population pop, double rate, double fanout) throws InterruptedException {
    long t0 = System.nanoTime();
    double expected = rate * pop.publisherCount() * fanout;
    pop.publish(rate);
    try {
      while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
        pop.reset();
        Thread.sleep(1000);
        if (pop.errors.sum() == 0 && pop.deliveries.sum() >= 0.9 * expected) {
          break;
        }
        System.err.printf("  recovering from overload: %,d deliveries, %,d errors in the last second%n",
            pop.deliveries.sum(), pop.errors.sum());
      }
    } finally {
      pop.publish(0);
    }
    double seconds = round((System.nanoTime() - t0) / 1e9);
    awaitQuiet(pop);
    return seconds;
  }

  /**
   * Waits until deliveries stop (a saturated step leaves a backlog in the server that would
   * otherwise pour into the next phase's window), for at most 90 seconds.
   */
  static void awaitQuiet(Population pop) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 90_000;
    long last = -1;
    while (System.currentTimeMillis() < deadline) {
      Thread.sleep(1000);
      long now = pop.deliveries.sum();
      if (now == last) {
        return;
      }
      last = now;
    }
  }
}
