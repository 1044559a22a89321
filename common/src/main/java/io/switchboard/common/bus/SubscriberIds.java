package io.switchboard.common.bus;

/**
 * Names of fan-out subscribers: one per gateway verticle instance, {@code <nodeId>/<instance>}.
 * The node part lets a shard owner drop the subscribers of a gateway that left the cluster.
 */
public final class SubscriberIds {

  private SubscriberIds() {
  }

  public static String of(String nodeId, int instance) {
    return nodeId + "/" + instance;
  }

  /** The cluster node id of a subscriber. */
  public static String node(String subscriberId) {
    int slash = subscriberId.lastIndexOf('/');
    return slash < 0 ? subscriberId : subscriberId.substring(0, slash);
  }
}
