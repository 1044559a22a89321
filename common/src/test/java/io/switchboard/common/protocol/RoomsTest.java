package io.switchboard.common.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoomsTest {

  @Test
  void acceptsWhatThePatternAccepts() {
    for (String room : new String[] {"lobby", "a", "Team_42.dev:chat-1", "x".repeat(128)}) {
      assertThat(Rooms.isValid(room)).as(room).isTrue();
      assertThat(Rooms.ID.matcher(room).matches()).as(room).isTrue();
    }
  }

  @Test
  void rejectsWhatThePatternRejects() {
    for (String room : new String[] {"", "x".repeat(129), "with space", "slash/room", "é", "tab\t", "a+b"}) {
      assertThat(Rooms.isValid(room)).as(room).isFalse();
      assertThat(Rooms.ID.matcher(room).matches()).as(room).isFalse();
    }
    assertThat(Rooms.isValid(null)).isFalse();
  }
}
