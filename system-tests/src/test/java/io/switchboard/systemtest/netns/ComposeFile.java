package io.switchboard.systemtest.netns;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * docker-compose.yml read as Compose reads it, for the parts the bed runs: the services, their
 * environment, replicas, dependencies, networks and bind mounts. SnakeYAML resolves anchors and
 * merge keys ({@code <<: *member}); {@link Interpolation} resolves {@code ${VAR:-default}}.
 *
 * @param projectDir the folder of the file, against which relative host paths are resolved
 * @param services every service, in file order
 * @param internalNetworks the networks declared {@code internal: true}
 */
public record ComposeFile(Path projectDir, List<ComposeService> services, Set<String> internalNetworks) {

  public ComposeFile {
    services = List.copyOf(services);
    internalNetworks = Set.copyOf(internalNetworks);
  }

  /** Reads {@code file}, interpolating with {@code variables} (not the shell's environment). */
  public static ComposeFile read(Path file, Map<String, String> variables) throws IOException {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    Interpolation interpolation = new Interpolation(variables);
    Map<String, Object> doc = map(interpolate(root, interpolation), "the file");
    List<ComposeService> services = new ArrayList<>();
    map(doc.get("services"), "services").forEach((name, body) ->
        services.add(service(name, map(body, "services." + name), variables)));
    Set<String> internal = new LinkedHashSet<>();
    Object networks = doc.get("networks");
    if (networks != null) {
      map(networks, "networks").forEach((name, body) -> {
        if (body instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("internal"))) {
          internal.add(name);
        }
      });
    }
    ComposeFile compose = new ComposeFile(file.toAbsolutePath().getParent(), services, internal);
    compose.startWaves(); // refuses unknown dependencies and cycles now rather than at start
    return compose;
  }

  public ComposeService service(String name) {
    return services.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name + " in the compose file"));
  }

  /**
   * The services in the order they start: each wave's services depend only on earlier waves, so
   * a wave starts when the one before it is ready, as {@code depends_on} asks.
   */
  public List<List<ComposeService>> startWaves() {
    List<List<ComposeService>> waves = new ArrayList<>();
    Set<String> started = new LinkedHashSet<>();
    while (started.size() < services.size()) {
      List<ComposeService> wave = services.stream()
          .filter(s -> !started.contains(s.name()) && started.containsAll(s.dependsOn())).toList();
      if (wave.isEmpty()) {
        List<String> stuck = services.stream().filter(s -> !started.contains(s.name())).map(ComposeService::name).toList();
        throw new IllegalArgumentException("depends_on of " + stuck + " names an unknown service or forms a cycle");
      }
      wave.forEach(s -> started.add(s.name()));
      waves.add(wave);
    }
    return waves;
  }

  /** Whether the service is attached to a network that is not internal (the gateways' {@code edge}). */
  public boolean isOnPublicNetwork(ComposeService service) {
    return service.networks().stream().anyMatch(n -> !internalNetworks.contains(n));
  }

  private static ComposeService service(String name, Map<String, Object> body, Map<String, String> variables) {
    Map<String, Object> build = body.get("build") instanceof Map<?, ?> ? map(body.get("build"), name + ".build") : Map.of();
    Map<String, Object> args = build.containsKey("args") ? map(build.get("args"), name + ".build.args") : Map.of();
    String module = args.containsKey("SERVICE") ? String.valueOf(args.get("SERVICE")) : null;
    String image = module == null && body.get("image") != null ? String.valueOf(body.get("image")) : null;
    Map<String, Object> deploy = body.containsKey("deploy") ? map(body.get("deploy"), name + ".deploy") : Map.of();
    Object replicas = deploy.getOrDefault("replicas", body.getOrDefault("scale", 1));
    return new ComposeService(name, module, image, environment(body.get("environment"), variables),
        Integer.parseInt(String.valueOf(replicas)), names(body.get("depends_on")),
        body.containsKey("networks") ? names(body.get("networks")) : List.of("default"),
        bindMounts(body.get("volumes")));
  }

  /**
   * The map form ({@code KEY: value}) or the list form ({@code - KEY=value}). A key without a
   * value takes the variable of that name, as Compose takes it from the shell, and is left out
   * when there is none.
   */
  private static Map<String, String> environment(Object env, Map<String, String> variables) {
    Map<String, String> out = new LinkedHashMap<>();
    if (env instanceof Map<?, ?> m) {
      m.forEach((k, v) -> put(out, String.valueOf(k), v == null ? null : String.valueOf(v), variables));
    } else if (env instanceof List<?> list) {
      for (Object entry : list) {
        String s = String.valueOf(entry);
        int eq = s.indexOf('=');
        put(out, eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1), variables);
      }
    } else if (env != null) {
      throw new IllegalArgumentException("environment must be a map or a list: " + env);
    }
    return out;
  }

  private static void put(Map<String, String> out, String key, String value, Map<String, String> variables) {
    String v = value != null ? value : variables.get(key);
    if (v != null) {
      out.put(key, v);
    }
  }

  /** The names of a {@code depends_on} or {@code networks} entry, list or map form. */
  private static List<String> names(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof Map<?, ?> m) {
      return m.keySet().stream().map(String::valueOf).toList();
    }
    if (value instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    throw new IllegalArgumentException("expected a list or a map: " + value);
  }

  /** Bind mounts in the long form ({@code type: bind}) and the short form ({@code ./src:/dst:ro}). */
  private static Map<String, String> bindMounts(Object volumes) {
    Map<String, String> out = new LinkedHashMap<>();
    if (volumes instanceof List<?> list) {
      for (Object v : list) {
        if (v instanceof Map<?, ?> m && "bind".equals(m.get("type"))) {
          out.put(String.valueOf(m.get("target")), String.valueOf(m.get("source")));
        } else if (v instanceof String s && (s.startsWith(".") || s.startsWith("/"))) {
          String[] parts = s.split(":");
          out.put(parts[1], parts[0]);
        }
      }
    }
    return out;
  }

  private static Object interpolate(Object node, Interpolation interpolation) {
    if (node instanceof String s) {
      return interpolation.apply(s);
    }
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), interpolate(v, interpolation)));
      return out;
    }
    if (node instanceof List<?> l) {
      return l.stream().map(v -> interpolate(v, interpolation)).toList();
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node, String what) {
    if (!(node instanceof Map<?, ?>)) {
      throw new IllegalArgumentException(what + " must be a map, was " + node);
    }
    return (Map<String, Object>) node;
  }
}
