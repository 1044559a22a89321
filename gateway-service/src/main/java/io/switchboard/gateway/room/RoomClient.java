package io.switchboard.gateway.room;

import io.switchboard.common.history.RoomState;
import io.vertx.core.Future;

/** The gateway's view of the room service: requests routed to each room's shard owner. */
public interface RoomClient {

  /** The node id currently owning {@code room}'s shard, or null if no room service is up. */
  String ownerOf(String room);

  /** Sends a message; completes with its seq once committed. */
  Future<Long> send(String room, String sender, String clientMsgId, Object body);

  /** Subscribes this gateway instance to the room's fan-out at its current owner. */
  Future<RoomState> subscribe(String room, String subscriber);

  /** Best-effort unsubscribe. */
  void unsubscribe(String room, String subscriber);
}
