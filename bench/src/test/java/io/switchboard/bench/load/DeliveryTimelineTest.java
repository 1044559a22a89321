package io.switchboard.bench.load;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTimelineTest {

  private static final long START = 1_000_000_000L;

  private final DeliveryTimeline timeline = new DeliveryTimeline(START, 10, 60_000);

  private void every(long fromMs, long toMs, long stepMs) {
    for (long t = fromMs; t < toMs; t += stepMs) {
      timeline.record(START + TimeUnit.MILLISECONDS.toNanos(t));
    }
  }

  @Test
  void theLongestGapIsTheLongestStretchWithoutADelivery() {
    every(0, 10_000, 5);
    every(12_000, 13_000, 5);
    every(13_500, 20_000, 5);

    assertThat(timeline.longestGap(10_000, 20_000)).isEqualTo(new DeliveryTimeline.Gap(10_000, 2_000));
    assertThat(timeline.longestGap(0, 10_000)).isEqualTo(DeliveryTimeline.Gap.NONE);
    assertThat(timeline.longestGap(12_500, 20_000)).isEqualTo(new DeliveryTimeline.Gap(13_000, 500));
  }

  @Test
  void aGapThatBeganBeforeTheWindowCountsFromWhereItBegan() {
    every(0, 9_000, 5);
    every(11_000, 20_000, 5);

    assertThat(timeline.longestGap(10_000, 20_000)).isEqualTo(new DeliveryTimeline.Gap(9_000, 2_000));
  }

  @Test
  void aGapStillOpenAtTheEndOfTheWindowLastsUntilIt() {
    every(0, 15_000, 5);

    assertThat(timeline.longestGap(10_000, 18_000)).isEqualTo(new DeliveryTimeline.Gap(15_000, 3_000));
  }

  @Test
  void countsDeliveriesPerWindowAndIgnoresThoseOutsideTheTimeline() {
    every(0, 1_000, 10);
    timeline.record(START - 1);
    timeline.record(START + TimeUnit.SECONDS.toNanos(3600));

    assertThat(timeline.deliveries(0, 500)).isEqualTo(50);
    assertThat(timeline.deliveries(0, 60_000)).isEqualTo(100);
  }

  @Test
  void offsetsAreMillisecondsFromTheStart() {
    assertThat(timeline.offsetMs(START + TimeUnit.MILLISECONDS.toNanos(1234))).isEqualTo(1234);
  }
}
