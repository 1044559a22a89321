package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import static io.switchboard.bench.load.Numbers.ms;
import static io.switchboard.bench.load.Numbers.round;

/**
 * What the clients that stayed on the surviving gateway saw during a reconnect storm (issue 10):
 * their send-to-delivery latency in a baseline window before the kill against the storm window
 * (from the kill until every dropped client resumed, and a few seconds after), and the longest
 * stretch in which none of them received anything. The acceptance point: storm p99 within 2x of
 * the baseline p99.
 *
 * @param baseline latencies (µs) delivered to the survivors in the baseline window
 * @param storm latencies (µs) delivered to them in the storm window
 * @param baselineMs the baseline window's length
 * @param stormMs the storm window's length
 * @param baselineGap the longest gap in deliveries to survivors in the baseline window
 * @param stormGap the longest gap in the storm window, {@code fromMs} after the kill
 */
record SurvivorReport(Histogram baseline, Histogram storm, long baselineMs, long stormMs,
                      DeliveryTimeline.Gap baselineGap, DeliveryTimeline.Gap stormGap) {

  /** How far the storm p99 may rise above the baseline p99. */
  static final double TARGET_RATIO = 2.0;

  /** From the timeline of survivor deliveries: baseline {@code [0, killMs)}, storm {@code [killMs, endMs)}. */
  static SurvivorReport of(Histogram baseline, Histogram storm, DeliveryTimeline timeline, long killMs, long endMs) {
    DeliveryTimeline.Gap stormGap = timeline.longestGap(killMs, endMs);
    return new SurvivorReport(baseline, storm, killMs, endMs - killMs, timeline.longestGap(0, killMs),
        new DeliveryTimeline.Gap(stormGap.fromMs() - killMs, stormGap.ms()));
  }

  /** {@code storm / baseline}, or NaN without a baseline. */
  static double ratio(double storm, double baseline) {
    return baseline > 0 ? storm / baseline : Double.NaN;
  }

  double p99Ratio() {
    return ratio(ms(storm, 99), ms(baseline, 99));
  }

  boolean withinTarget() {
    return p99Ratio() <= TARGET_RATIO;
  }

  /** The result fields, added to the {@code reconnect-storm} line. */
  JsonObject json() {
    double ratio = p99Ratio();
    return new JsonObject()
        .put("baselineSeconds", round(baselineMs / 1000.0)).put("stormSeconds", round(stormMs / 1000.0))
        .put("baselineDeliveries", baseline.getTotalCount()).put("stormDeliveries", storm.getTotalCount())
        .put("baselineP50ms", ms(baseline, 50)).put("baselineP99ms", ms(baseline, 99))
        .put("baselineMaxMs", round(baseline.getMaxValue() / 1000.0))
        .put("stormP50ms", ms(storm, 50)).put("stormP99ms", ms(storm, 99)).put("stormMaxMs", round(storm.getMaxValue() / 1000.0))
        .put("p99Ratio", Double.isNaN(ratio) ? null : round(ratio)).put("withinTarget", withinTarget())
        .put("baselineLongestGapMs", baselineGap.ms())
        .put("stormLongestGapMs", stormGap.ms()).put("stormLongestGapAfterKillMs", stormGap.fromMs());
  }
}
