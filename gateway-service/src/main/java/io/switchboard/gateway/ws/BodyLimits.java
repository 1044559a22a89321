package io.switchboard.gateway.ws;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Limits on a {@code send}'s {@code body}, checked at the gateway before anything is queued, so a
 * body that every later hop can encode, store and deliver is all that leaves it.
 *
 * @param maxChars largest body as JSON text, in characters
 * @param maxDepth deepest nesting of arrays and objects (a scalar body is depth 0)
 * @param maxStringChars longest string, key or value
 */
public record BodyLimits(int maxChars, int maxDepth, int maxStringChars) {

  /**
   * The deepest body the cluster can carry: the event bus and the stores wrap a body in a few
   * levels of their own, and JSON codecs refuse to nest past 1,000 (history's before its own
   * limit). Far below, so that no accepted body comes near.
   */
  public static final int MAX_DEPTH = 64;

  public BodyLimits {
    if (maxChars < 1 || maxDepth < 0 || maxStringChars < 1) {
      throw new ConfigException("gateway body limits must be positive");
    }
    if (maxDepth > MAX_DEPTH) {
      throw new ConfigException("gateway.maxBodyDepth is at most " + MAX_DEPTH + ", was " + maxDepth);
    }
  }

  public static BodyLimits from(ConfigSource src) {
    return new BodyLimits(
        src.integer("gateway.maxBodyChars", 8192),
        src.integer("gateway.maxBodyDepth", 16),
        src.integer("gateway.maxStringChars", 4096));
  }

  /**
   * Checks {@code body} (a value of a parsed frame).
   *
   * @throws ProtocolException {@code too_large}, naming the limit
   */
  void check(Object body) {
    long chars = measure(body, 0);
    if (chars > maxChars) {
      throw new ProtocolException(ErrorCode.TOO_LARGE, "body is " + chars + " chars as JSON, limit " + maxChars);
    }
  }

  /** The body's length as compact JSON text; throws as soon as a depth or string limit is crossed. */
  private long measure(Object v, int depth) {
    if (v instanceof String s) {
      return string(s);
    }
    if (v instanceof JsonObject || v instanceof Map<?, ?> || v instanceof JsonArray || v instanceof Iterable<?>) {
      if (depth + 1 > maxDepth) {
        throw new ProtocolException(ErrorCode.TOO_LARGE, "body nests deeper than " + maxDepth + " levels");
      }
      long n = 2;
      boolean first = true;
      if (v instanceof JsonObject || v instanceof Map<?, ?>) {
        Iterable<Map.Entry<String, Object>> entries = v instanceof JsonObject o ? o : map(v);
        for (Map.Entry<String, Object> e : entries) {
          n += (first ? 0 : 1) + string(e.getKey()) + 1 + measure(e.getValue(), depth + 1);
          first = false;
        }
      } else {
        for (Object item : (Iterable<?>) v) {
          n += (first ? 0 : 1) + measure(item, depth + 1);
          first = false;
        }
      }
      return n;
    }
    return String.valueOf(v).length(); // numbers, booleans, null
  }

  @SuppressWarnings("unchecked")
  private static Iterable<Map.Entry<String, Object>> map(Object v) {
    return ((Map<String, Object>) v).entrySet();
  }

  private long string(String s) {
    if (s.length() > maxStringChars) {
      throw new ProtocolException(ErrorCode.TOO_LARGE, "a string in body is " + s.length() + " chars, limit " + maxStringChars);
    }
    long n = s.length() + 2;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        n += 1;
      } else if (c < 0x20) {
        n += 5; // \\u00XX (or a shorter escape: an over-estimate by at most 4)
      }
    }
    return n;
  }
}
