package io.switchboard.common.log;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LogLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final LogLimiter limiter = new LogLimiter(3, Duration.ofSeconds(10), now::get);

  @Test
  void allowsThePeriodsQuotaThenDeniesAndReportsTheSuppressedCountWithTheNextLine() {
    assertThat(limiter.acquire("k")).isZero();
    assertThat(limiter.acquire("k")).isZero();
    assertThat(limiter.acquire("k")).isZero();
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.acquire("k")).isEqualTo(LogLimiter.DENIED);
    }
    now.addAndGet(10_000);
    assertThat(limiter.acquire("k")).as("five lines were suppressed").isEqualTo(5);
    assertThat(limiter.acquire("k")).isZero();
  }

  @Test
  void keysHaveTheirOwnQuota() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    assertThat(limiter.acquire("a")).isEqualTo(LogLimiter.DENIED);
    assertThat(limiter.acquire("b")).isZero();
  }

  @Test
  void aPerMinuteLimiterRunsOnTheClockItIsGiven() {
    LogLimiter perMinute = LogLimiter.perMinute(1, now::get);
    assertThat(perMinute.acquire("k")).isZero();
    assertThat(perMinute.acquire("k")).isEqualTo(LogLimiter.DENIED);
    now.addAndGet(59_999);
    assertThat(perMinute.acquire("k")).isEqualTo(LogLimiter.DENIED);
    now.addAndGet(1);
    assertThat(perMinute.acquire("k")).as("two lines were suppressed").isEqualTo(2);
  }
}
