package io.switchboard.systemtest.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Switchboard service process of the bed, running in its replica's namespace.
 *
 * @param replica the container it plays
 * @param process the JVM ({@code ip netns exec} execs it, so this is the JVM itself)
 * @param log where its output goes
 * @param environment what it was started with (after the bed's resolution and overrides)
 */
public record BedProcess(Replica replica, Process process, Path log, Map<String, String> environment) {

  private static final Pattern READY = Pattern.compile("switchboard service ready .*node=\"([0-9a-f-]+)\"");

  public String name() {
    return replica.name();
  }

  public String address() {
    return replica.address();
  }

  /** A port its compose environment sets ({@code SWITCHBOARD_GATEWAY_PORT}), else {@code fallback}. */
  public int port(String variable, int fallback) {
    String v = environment.get(variable);
    return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
  }

  /** The cluster node id it logged when it became ready. */
  public String nodeId() throws IOException {
    Matcher m = READY.matcher(Files.readString(log));
    String id = null;
    while (m.find()) {
      id = m.group(1); // the latest start's
    }
    if (id == null) {
      throw new IllegalStateException(name() + " has not logged its node id; see " + log);
    }
    return id;
  }
}
