package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import io.vertx.core.json.JsonObject;

import static io.switchboard.bench.load.Numbers.round;

/**
 * The publish-rate sweep of {@code fanout}, {@code rooms} and {@code cross}: doubles the offered
 * delivery rate, from {@code --start-deliveries} per second, until the target saturates
 * ({@link Measurements#saturated}), then measures latency at 25, 50 and 75% of the last
 * unsaturated rate. Emits one result per step.
 */
final class RateSweep {

  /** {@code --seconds} per step, {@code --warmup} seconds first, {@code --start-deliveries} per second, {@code --max-steps}. */
  record Options(int seconds, int warmup, int startDeliveries, int maxSteps) {

    static Options from(Args args) {
      return new Options(args.integer("seconds", 5), args.integer("warmup", 8), args.integer("start-deliveries", 4000),
          args.integer("max-steps", 9));
    }
  }

  private static final double[] LATENCY_FRACTIONS = {0.25, 0.5, 0.75};

  private final Measurements measurements;
  private final ResultWriter results;
  private final Options options;

  RateSweep(Measurements measurements, ResultWriter results, Options options) {
    this.measurements = measurements;
    this.results = results;
    this.options = options;
  }

  /** Sweeps {@code pop}'s publishers; {@code fanout} is the mean number of deliveries per message. */
  void run(Population pop, String scenario, double fanout) throws Exception {
    double perPublisher = fanout * pop.publisherCount();
    measurements.measure(pop, scenario + "-warmup", 2000.0 / perPublisher, 0, options.warmup(), fanout);
    measurements.measureIdleCpu();
    double rate = options.startDeliveries() / perPublisher;
    double best = 0;
    for (int step = 0; step < options.maxSteps(); step++) {
      JsonObject r = measurements.measure(pop, scenario + "-sweep", rate, 2, options.seconds(), fanout);
      if (r.getBoolean("saturated") && best > 0) {
        // The overloaded step leaves queues and open circuit breakers behind: latency is measured
        // only once the system serves a light load cleanly again, and how long that took is reported.
        r.put("recoverySeconds", measurements.awaitRecovered(pop, best * 0.25, fanout));
      }
      results.emit(r);
      if (r.getBoolean("saturated")) {
        break;
      }
      best = rate;
      rate *= 2;
    }
    if (best == 0) {
      return;
    }
    for (double fraction : LATENCY_FRACTIONS) {
      JsonObject r = measurements.measure(pop, scenario + "-latency", best * fraction, 2, options.seconds(), fanout);
      results.emit(r.put("fractionOfSaturation", fraction).put("saturationSendRate", round(best * pop.publisherCount())));
    }
  }
}
