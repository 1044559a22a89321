package io.switchboard.common.bus;

/** Every event-bus address Switchboard uses, defined once. */
public final class Addresses {

  private static final String PREFIX = "switchboard.";

  /** Header naming the operation on a multi-operation address. */
  public static final String OP = "op";

  /** History service: append a batch (request/reply, any history instance). */
  public static final String HISTORY_APPEND = PREFIX + "history.append";
  /** History service: a room's top seq and epoch. */
  public static final String HISTORY_STATE = PREFIX + "history.state";
  /** History service: a page of messages after a seq. */
  public static final String HISTORY_PAGE = PREFIX + "history.page";

  /** Presence service: one batched heartbeat per gateway instance (published). */
  public static final String PRESENCE_HEARTBEAT = PREFIX + "presence.heartbeat";
  /** Presence service: who is online in a room. */
  public static final String PRESENCE_QUERY = PREFIX + "presence.query";

  private Addresses() {
  }

  /** The room-service instance {@code nodeId}: sends, subscribes and unsubscribes for its rooms. */
  public static String roomNode(String nodeId) {
    return PREFIX + "room." + nodeId;
  }

  /** A gateway instance's delivery address: committed messages of rooms it subscribed to. */
  public static String gatewayDeliver(String subscriberId) {
    return PREFIX + "gateway." + subscriberId + ".deliver";
  }

  /** Operations accepted on {@link #roomNode(String)}. */
  public static final class RoomOps {
    public static final String SEND = "send";
    /** Several sends in one request, answered together in request order (see {@link RoomProtocol#sendBatch}). */
    public static final String SEND_BATCH = "send-batch";
    public static final String SUBSCRIBE = "subscribe";
    public static final String UNSUBSCRIBE = "unsubscribe";

    private RoomOps() {
    }
  }
}
