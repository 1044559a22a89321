package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class SurvivorReportTest {

  private static Histogram latencies(long micros, int count, long tailMicros, int tailCount) {
    Histogram h = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    h.recordValueWithCount(micros, count);
    if (tailCount > 0) {
      h.recordValueWithCount(tailMicros, tailCount);
    }
    return h;
  }

  @Test
  void theRatioIsStormOverBaseline() {
    assertThat(SurvivorReport.ratio(30, 10)).isEqualTo(3.0);
    assertThat(SurvivorReport.ratio(5, 0)).isNaN();
  }

  @Test
  void reportsBothWindowsTheirP99RatioAndTheLongestGaps() {
    long start = 0;
    DeliveryTimeline timeline = new DeliveryTimeline(start, 10, 60_000);
    for (long t = 0; t < 30_000; t += 5) {
      if (t < 12_000 || t >= 17_500) { // a 5.5 s pause 2 s after a kill at 10 s
        timeline.record(TimeUnit.MILLISECONDS.toNanos(t));
      }
    }
    Histogram baseline = latencies(4_000, 980, 10_000, 20); // p99 10 ms
    Histogram storm = latencies(5_000, 980, 40_000, 20); // p99 40 ms

    SurvivorReport report = SurvivorReport.of(baseline, storm, timeline, 10_000, 30_000);
    JsonObject json = report.json();

    assertThat(report.p99Ratio()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(report.withinTarget()).isFalse();
    assertThat(json.getDouble("baselineP99ms")).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(json.getDouble("stormP99ms")).isCloseTo(40.0, org.assertj.core.data.Offset.offset(0.05));
    assertThat(json.getDouble("baselineSeconds")).isEqualTo(10.0);
    assertThat(json.getDouble("stormSeconds")).isEqualTo(20.0);
    assertThat(json.getLong("baselineLongestGapMs")).isZero();
    assertThat(json.getLong("stormLongestGapMs")).isEqualTo(5_500);
    assertThat(json.getLong("stormLongestGapAfterKillMs")).isEqualTo(2_000);
  }

  @Test
  void aStormP99AtMostTwiceTheBaselineMeetsTheTarget() {
    SurvivorReport report = SurvivorReport.of(latencies(4_000, 980, 10_000, 20), latencies(4_000, 980, 19_000, 20),
        new DeliveryTimeline(0, 10, 1_000), 500, 1_000);

    assertThat(report.withinTarget()).isTrue();
  }
}
