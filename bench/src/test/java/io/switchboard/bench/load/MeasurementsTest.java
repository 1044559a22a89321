package io.switchboard.bench.load;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeasurementsTest {

  @Test
  void aWindowIsUnsaturatedUpToTheLimitsInclusive() {
    assertThat(Measurements.saturated(900, 1000, 500_000, 10, 1000)).isFalse();
  }

  @Test
  void fewerThanNinetyPercentOfTheExpectedDeliveriesIsSaturation() {
    assertThat(Measurements.saturated(899.9, 1000, 1_000, 0, 1000)).isTrue();
  }

  @Test
  void aP99AboveHalfASecondIsSaturation() {
    assertThat(Measurements.saturated(1000, 1000, 500_001, 0, 1000)).isTrue();
  }

  @Test
  void errorsAboveOnePercentOfSendsAreSaturation() {
    assertThat(Measurements.saturated(1000, 1000, 1_000, 11, 1000)).isTrue();
  }

  @Test
  void anyErrorInAWindowWithoutSendsIsSaturation() {
    assertThat(Measurements.saturated(0, 0, 0, 1, 0)).isTrue();
    assertThat(Measurements.saturated(0, 0, 0, 0, 0)).isFalse();
  }

  @Test
  void resultsRoundToTwoDecimalsAndShowLatencyInMilliseconds() {
    Histogram h = new Histogram(3);
    h.recordValue(1_234);

    assertThat(Numbers.round(2.345678)).isEqualTo(2.35);
    assertThat(Numbers.ms(h, 50)).isEqualTo(1.23);
  }
}
