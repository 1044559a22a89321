package io.switchboard.gateway.ws;

import io.vertx.core.json.JsonObject;

/**
 * Where a {@link RoomMembership} sends what its client must see: the client's session in the
 * gateway, a recording fake in tests. Event-loop confined like the membership.
 */
interface MembershipOutput {

  /** A reply, control or replayed frame: written however full the outbound buffer is. */
  void write(JsonObject frame);

  /** A live message, already encoded; a full outbound buffer makes the client a slow consumer. */
  void push(String frame);

  /** Runs {@code next} once the outbound buffer has room (on a later event-loop turn). */
  void whenWritable(Runnable next);

  /**
   * The membership of {@code room} cannot go on (history failed while it recovered): forget it
   * and send the client {@code error}, which tells it how to get back.
   */
  void ended(String room, JsonObject error);
}
