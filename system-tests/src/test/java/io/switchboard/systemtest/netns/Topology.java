package io.switchboard.systemtest.netns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The containers a compose file asks for, each with its address, and the environment each gets.
 * Addresses are 198.18.{@code s}.{@code i} for replica {@code i} of the {@code s}-th service in
 * the file (in 198.18.0.0/15, the benchmarking range, which routes nowhere); the root namespace,
 * where the test JVM runs, is {@link #HOST_ADDRESS}.
 */
public final class Topology {

  /** The root namespace's address on the bridge: the test JVM reaches the gateways from it. */
  public static final String HOST_ADDRESS = "198.18.0.1";
  /**
   * The one setting whose service names the bed replaces by addresses: Hazelcast's seeds. Given
   * host names, the bed's members never found each other (Hazelcast then names members by host
   * name, and every namespace shares the machine's); see docs/reliability.md.
   */
  static final String SEED_SETTING = "SWITCHBOARD_CLUSTER_MEMBERS";
  /** The prefix length of the bridge's network: 198.18.0.0/15. */
  static final int PREFIX_LENGTH = 15;

  private final ComposeFile compose;
  private final List<Replica> replicas = new ArrayList<>();

  /**
   * @param scale replicas per service that replace {@code deploy.replicas}, as
   *     {@code docker compose up --scale room=3} does
   */
  public Topology(ComposeFile compose, Map<String, Integer> scale) {
    this.compose = compose;
    scale.keySet().forEach(compose::service); // refuses a service the file does not have
    List<ComposeService> services = compose.services();
    for (int s = 0; s < services.size(); s++) {
      ComposeService service = services.get(s);
      int count = scale.getOrDefault(service.name(), service.replicas());
      if (count > 254) {
        throw new IllegalArgumentException("at most 254 replicas of " + service.name());
      }
      for (int i = 1; i <= count; i++) {
        replicas.add(new Replica(service, i, "198.18." + (s + 1) + "." + i));
      }
    }
  }

  public ComposeFile compose() {
    return compose;
  }

  public List<Replica> replicas() {
    return List.copyOf(replicas);
  }

  public List<Replica> replicasOf(String service) {
    return replicas.stream().filter(r -> r.service().name().equals(service)).toList();
  }

  public Replica replica(String name) {
    return replicas.stream().filter(r -> r.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no replica " + name));
  }

  /**
   * The environment of {@code replica}'s process: its service's compose environment, in which a
   * value that is the target of one of the service's bind mounts becomes the host file mounted
   * there (with {@code hostDirs} replacing the mount sources' folders), and the service names in
   * {@link #SEED_SETTING} become their replicas' addresses; then {@code overrides} on top. Other
   * names are left as they are: {@link #hostsFile} resolves them.
   *
   * @param hostDirs a bind-mount source folder as written in the file (e.g. {@code ./certs}) to
   *     the folder the bed uses instead
   */
  public Map<String, String> environment(Replica replica, Map<String, String> hostDirs, Map<String, String> overrides) {
    Map<String, String> env = new LinkedHashMap<>();
    replica.service().environment().forEach((k, v) -> {
      String source = replica.service().bindMounts().get(v);
      env.put(k, source != null ? hostPath(source, hostDirs) : k.equals(SEED_SETTING) ? seedAddresses(v) : v);
    });
    env.putAll(overrides);
    return env;
  }

  /**
   * {@code history} or {@code history:5701} in a comma-separated seed list to every replica's
   * address (with the port); anything else as is.
   */
  private String seedAddresses(String seeds) {
    return Arrays.stream(seeds.split(",")).map(String::trim).map(seed -> {
      int colon = seed.indexOf(':');
      String host = colon < 0 ? seed : seed.substring(0, colon);
      String port = colon < 0 ? "" : seed.substring(colon);
      List<Replica> named = replicasOf(host);
      return named.isEmpty() ? seed : named.stream().map(r -> r.address() + port).collect(Collectors.joining(","));
    }).collect(Collectors.joining(","));
  }

  /**
   * The {@code /etc/hosts} of {@code replica}'s namespace: what Compose's DNS answers inside a
   * container. Each service name resolves to the addresses of all its replicas; each address
   * resolves back to its replica's own name ({@code room-2}, as a container's address to its
   * container name), so that a member that names itself by host name (Hazelcast does, once its
   * seeds are host names) is found at its own address by every other; and the machine's host
   * name, which every namespace shares, resolves to the replica's own address, as a container's
   * host name does.
   */
  public String hostsFile(Replica replica, String hostName) {
    StringBuilder hosts = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost\n");
    replicas.forEach(r -> hosts.append(r.address()).append('\t').append(r.name()).append(' ')
        .append(r.service().name()).append('\n'));
    hosts.append(replica.address()).append('\t').append(hostName).append('\n');
    return hosts.toString();
  }

  private String hostPath(String source, Map<String, String> hostDirs) {
    for (Map.Entry<String, String> dir : hostDirs.entrySet()) {
      if (source.startsWith(dir.getKey() + "/")) {
        return dir.getValue() + source.substring(dir.getKey().length());
      }
    }
    return compose.projectDir().resolve(source).normalize().toString();
  }
}
