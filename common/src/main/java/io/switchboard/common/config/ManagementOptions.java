package io.switchboard.common.config;

/**
 * The private management endpoint every service exposes: health checks and Prometheus metrics.
 *
 * @param host interface to bind (keep it private: the gateway's public port is separate)
 * @param port TCP port, 0 for an ephemeral one, -1 to disable the endpoint
 */
public record ManagementOptions(String host, int port) {

  public static ManagementOptions from(ConfigSource src) {
    return new ManagementOptions(
        src.string("management.host", "127.0.0.1"), src.integer("management.port", -1));
  }

  public boolean enabled() {
    return port >= 0;
  }
}
