package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateSweepTest {

  @Test
  void theSweepDefaultsToFiveSecondStepsAfterEightSecondsOfWarmUpFrom4000DeliveriesForNineSteps() {
    assertThat(RateSweep.Options.from(new Args(new String[0]))).isEqualTo(new RateSweep.Options(5, 8, 4000, 9));
  }

  @Test
  void theSweepOptionsComeFromTheCommandLine() {
    Args args = new Args(new String[] {"--seconds", "25", "--warmup", "30", "--start-deliveries", "8000", "--max-steps", "1"});

    assertThat(RateSweep.Options.from(args)).isEqualTo(new RateSweep.Options(25, 30, 8000, 1));
  }
}
