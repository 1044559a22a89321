package io.switchboard.common.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where configuration values come from: one JSON document (optional) overlaid by environment
 * variables. Read once at start-up; typed option records are built from it and passed in.
 *
 * <p>A dotted key such as {@code cluster.bindHost} is looked up in the JSON as
 * {@code {"cluster": {"bindHost": ...}}} and in the environment as
 * {@code SWITCHBOARD_CLUSTER_BIND_HOST}. The environment wins. See {@code docs/configuration.md}.
 */
public final class ConfigSource {

  /** Environment variable naming the JSON config file. */
  public static final String CONFIG_FILE_ENV = "SWITCHBOARD_CONFIG";
  private static final String ENV_PREFIX = "SWITCHBOARD_";

  private final JsonObject json;
  private final Map<String, String> env;

  public ConfigSource(JsonObject json, Map<String, String> env) {
    this.json = Objects.requireNonNull(json, "json").copy();
    this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
  }

  /** An empty source: every option takes its default. */
  public static ConfigSource empty() {
    return new ConfigSource(new JsonObject(), Map.of());
  }

  /**
   * Reads the JSON file named by {@code --config <file>} or {@code SWITCHBOARD_CONFIG}, if any,
   * and the given environment. Called from {@code main}, before any event loop exists.
   */
  public static ConfigSource load(String[] args, Map<String, String> env) {
    String file = null;
    for (int i = 0; i < args.length - 1; i++) {
      if ("--config".equals(args[i])) {
        file = args[i + 1];
      }
    }
    if (file == null) {
      file = env.get(CONFIG_FILE_ENV);
    }
    if (file == null || file.isBlank()) {
      return new ConfigSource(new JsonObject(), env);
    }
    try {
      return new ConfigSource(new JsonObject(Files.readString(Path.of(file), StandardCharsets.UTF_8)), env);
    } catch (IOException | DecodeException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  /** The environment variable name that overrides {@code key}. */
  public static String envName(String key) {
    StringBuilder sb = new StringBuilder(ENV_PREFIX);
    for (char c : key.toCharArray()) {
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString();
  }

  public String string(String key, String def) {
    String v = raw(key);
    return v == null ? def : v;
  }

  public int integer(String key, int def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw invalid(key, v, "an integer");
    }
  }

  public boolean bool(String key, boolean def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    return switch (v.trim().toLowerCase()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> throw invalid(key, v, "true or false");
    };
  }

  /** A duration given in milliseconds. */
  public Duration millis(String key, Duration def) {
    String v = raw(key);
    if (v == null) {
      return def;
    }
    try {
      long ms = Long.parseLong(v.trim());
      if (ms < 0) {
        throw invalid(key, v, "a non-negative number of milliseconds");
      }
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw invalid(key, v, "a number of milliseconds");
    }
  }

  /** A list: a JSON array, or a comma-separated string (the form environment variables use). */
  public List<String> list(String key, List<String> def) {
    String fromEnv = env.get(envName(key));
    if (fromEnv != null) {
      return split(fromEnv);
    }
    Object v = lookup(key);
    if (v == null) {
      return def;
    }
    if (v instanceof JsonArray array) {
      return array.stream().map(String::valueOf).toList();
    }
    return split(String.valueOf(v));
  }

  /** A JSON array: from the file as is, or from the environment as JSON text. */
  public JsonArray jsonArray(String key, JsonArray def) {
    String fromEnv = env.get(envName(key));
    if (fromEnv != null) {
      Object decoded;
      try {
        decoded = Json.decodeValue(fromEnv);
      } catch (DecodeException e) {
        decoded = null;
      }
      if (!(decoded instanceof JsonArray array)) {
        throw invalid(key, fromEnv, "a JSON array");
      }
      return array;
    }
    Object v = lookup(key);
    if (v == null) {
      return def;
    }
    if (v instanceof JsonArray array) {
      return array;
    }
    throw invalid(key, String.valueOf(v), "a JSON array");
  }

  private static List<String> split(String s) {
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  private String raw(String key) {
    String fromEnv = env.get(envName(key));
    if (fromEnv != null) {
      return fromEnv;
    }
    Object v = lookup(key);
    return v == null ? null : String.valueOf(v);
  }

  private Object lookup(String key) {
    String[] parts = key.split("\\.");
    JsonObject node = json;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (!(child instanceof JsonObject obj)) {
        return null;
      }
      node = obj;
    }
    return node.getValue(parts[parts.length - 1]);
  }

  private static ConfigException invalid(String key, String value, String expected) {
    return new ConfigException(
        "config " + key + " (env " + envName(key) + ") is '" + value + "', expected " + expected);
  }
}
