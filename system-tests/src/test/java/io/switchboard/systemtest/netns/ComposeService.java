package io.switchboard.systemtest.netns;

import java.util.List;
import java.util.Map;

/**
 * One service of docker-compose.yml, as the bed needs it, with anchors, merge keys and variables
 * already resolved.
 *
 * @param name the service's name, which is also its DNS name on the Compose networks
 * @param module the Maven module its image is built from ({@code build.args.SERVICE}), or null for
 *     a service that runs a ready-made {@code image}
 * @param image the image of a service that is not built here, else null
 * @param environment its {@code environment}, in file order
 * @param replicas {@code deploy.replicas} (1 when absent)
 * @param dependsOn the services it {@code depends_on}
 * @param networks the networks it is attached to ({@code default} when none is named)
 * @param bindMounts its bind mounts, container path to host path as written (relative to the
 *     compose file's folder)
 */
public record ComposeService(
    String name,
    String module,
    String image,
    Map<String, String> environment,
    int replicas,
    List<String> dependsOn,
    List<String> networks,
    Map<String, String> bindMounts) {

  public ComposeService {
    environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
    dependsOn = List.copyOf(dependsOn);
    networks = List.copyOf(networks);
    bindMounts = Map.copyOf(bindMounts);
    if ((module == null) == (image == null)) {
      throw new IllegalArgumentException("service " + name + " needs either build.args.SERVICE or an image");
    }
    if (replicas < 0) {
      throw new IllegalArgumentException("service " + name + " has " + replicas + " replicas");
    }
  }

  /** Whether the service is one of Switchboard's own (built from a module here), not an image. */
  public boolean isBuilt() {
    return module != null;
  }
}
