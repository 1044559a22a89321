package io.switchboard.systemtest.netns;

/**
 * One container of a compose service: what {@code docker compose up --scale} would start as
 * {@code <project>-<service>-<index>}. Here it is a network namespace with one address on the
 * bed's bridge.
 *
 * @param service its compose service
 * @param index 1-based, as Compose numbers replicas
 * @param address its address on the bridge (198.18.{@code <service number>}.{@code <index>})
 */
public record Replica(ComposeService service, int index, String address) {

  /** {@code room-2}: the name the bed's logs, processes and tests use. */
  public String name() {
    return service.name() + "-" + index;
  }

  /** The network namespace it runs in: {@code sb-room-2}. */
  public String namespace() {
    return NetworkNamespaces.PREFIX + name();
  }
}
