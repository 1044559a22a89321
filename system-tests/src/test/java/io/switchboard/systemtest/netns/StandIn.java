package io.switchboard.systemtest.netns;

import java.util.Map;

/**
 * What the bed runs in place of a compose service that is a ready-made image rather than one of
 * Switchboard's services (no container engine runs here): a local equivalent, reached from the
 * namespaces at the replica's address, which the root namespace takes on the bridge.
 */
public interface StandIn extends AutoCloseable {

  /** Starts serving at {@code address} (an address of the root namespace); returns when it is ready. */
  void start(String address) throws Exception;

  /**
   * Settings that the services using the image get on top of the compose file's, because the
   * local equivalent is not configured as the image is (another database name, say). Documented
   * in docs/reliability.md.
   */
  Map<String, String> overridesForClients();

  @Override
  void close() throws Exception;
}
