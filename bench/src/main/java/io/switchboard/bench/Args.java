package io.switchboard.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options with defaults. */
public final class Args {

  private final Map<String, String> values = new HashMap<>();

  public Args(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      values.put(args[i].substring(2), args[++i]);
    }
  }

  public String string(String name, String def) {
    return values.getOrDefault(name, def);
  }

  public int integer(String name, int def) {
    return Integer.parseInt(values.getOrDefault(name, String.valueOf(def)));
  }

  public boolean bool(String name, boolean def) {
    return Boolean.parseBoolean(values.getOrDefault(name, String.valueOf(def)));
  }
}
