package io.switchboard.common.bus;

/** Every event-bus address Switchboard uses, defined once. */
public final class Addresses {

  private static final String PREFIX = "switchboard.";

  /** Header naming the operation on a multi-operation address. */
  public static final String OP = "op";

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

  /**
   * The history-service instance {@code nodeId}: every room's state, appends and pages (any
   * instance serves any room). Instances are addressed one by one, not through one shared address,
   * so that a client knows which instance a request waits on and can retry it elsewhere at once
   * when that instance leaves the cluster ({@link EventBusMessageLog}).
   */
  public static String historyNode(String nodeId) {
    return PREFIX + "history." + nodeId;
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

  /** Operations accepted on {@link #historyNode(String)}, shaped by {@link HistoryProtocol}. */
  public static final class HistoryOps {
    /** A room's top seq and epoch. */
    public static final String STATE = "state";
    /** Append a batch under the seq fence. */
    public static final String APPEND = "append";
    /** A page of messages after or before a seq. */
    public static final String PAGE = "page";

    private HistoryOps() {
    }
  }
}
