package io.switchboard.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AckTimelineTest {

  private final AckTimeline acks = new AckTimeline();

  private void every(String room, long from, long to, long step) {
    for (long t = from; t <= to; t += step) {
      acks.ack(room, t);
    }
  }

  @Test
  void theOutageAcrossAFaultCountsFromTheLastAckBeforeIt() {
    every("a", 0, 1000, 50);
    every("a", 1800, 3000, 50);
    every("b", 0, 3000, 50);

    AckTimeline.Outage outage = acks.after(1010, 5000, 3000);

    assertThat(outage).isEqualTo(new AckTimeline.Outage(50, 800, "a", 1000));
  }

  @Test
  void withNoAckAtAllTheWindowIsWhatAllRoomsShared() {
    every("a", 0, 1000, 100);
    every("b", 50, 1050, 100);
    every("a", 2000, 3000, 100);
    every("b", 2250, 3050, 100);

    assertThat(acks.after(1060, 5000, 3050).noAckMs()).isEqualTo(950);
  }

  @Test
  void gapsBeforeTheFaultOrPastTheHorizonDoNotCount() {
    every("a", 0, 500, 50);
    every("a", 2500, 6000, 50);
    every("a", 9000, 9500, 50);

    AckTimeline.Outage outage = acks.after(3000, 2000, 9500);

    assertThat(outage.worstRoomMs()).isEqualTo(50);
    assertThat(acks.quietWorstRoomMs(0, 4000)).isEqualTo(2000);
  }

  @Test
  void aRoomThatNeverAcksAgainWaitsAtLeastUntilTheHorizon() {
    every("a", 0, 1000, 50);

    assertThat(acks.after(1010, 5000, 10_000).worstRoomMs()).isEqualTo(5010);
  }
}
