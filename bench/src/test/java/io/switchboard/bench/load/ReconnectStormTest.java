package io.switchboard.bench.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectStormTest {

  private final Population pop = new Population(null, null);

  @Test
  void aMemberIsBehindWhenItDoesNotHoldTheHighestSeqAnyMemberOfItsRoomSaw() {
    Population.Peer a1 = member("a", 42);
    Population.Peer a2 = member("a", 42);
    Population.Peer a3 = member("a", 41);
    Population.Peer b1 = member("b", 7);
    Population.Peer b2 = member("b", 7);

    assertThat(ReconnectStorm.membersBehind(List.of(a1, a2, a3, b1, b2))).isEqualTo(1);
  }

  @Test
  void membersAtTheirRoomsLastSeqAreNotBehind() {
    assertThat(ReconnectStorm.membersBehind(List.of(member("a", 3), member("a", 3), member("b", 0)))).isZero();
  }

  private Population.Peer member(String room, long lastSeq) {
    Population.Peer p = pop.peer("u-" + room + "-" + lastSeq, List.of(room), false);
    p.lastSeq[0] = lastSeq;
    return p;
  }
}
