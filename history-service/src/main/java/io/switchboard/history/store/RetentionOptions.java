package io.switchboard.history.store;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.RetentionRule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Retention rules and how often they run. Configured as
 * {@code history.retention = [{"prefix": "tmp:", "maxMessages": 1000, "maxAgeMs": 86400000}, ...]};
 * with no rules, history is kept forever.
 */
public record RetentionOptions(List<RetentionRule> rules, Duration interval) {

  public RetentionOptions {
    rules = List.copyOf(rules);
  }

  public static RetentionOptions from(ConfigSource src) {
    JsonArray array = src.jsonArray("history.retention", new JsonArray());
    List<RetentionRule> rules = new ArrayList<>();
    Set<String> prefixes = new HashSet<>();
    for (Object o : array) {
      if (!(o instanceof JsonObject rule) || !(rule.getValue("prefix") instanceof String prefix)) {
        throw new ConfigException("history.retention entries need a string 'prefix': " + o);
      }
      if (!prefixes.add(prefix)) {
        throw new ConfigException("history.retention has two rules for prefix '" + prefix + "'");
      }
      long maxMessages = whole(rule, prefix, "maxMessages");
      long maxAgeMs = whole(rule, prefix, "maxAgeMs");
      try {
        rules.add(new RetentionRule(prefix, maxMessages, Duration.ofMillis(maxAgeMs)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("history.retention rule for '" + prefix + "' is invalid: " + e.getMessage());
      }
    }
    return new RetentionOptions(rules, src.millis("history.retentionIntervalMs", Duration.ofMinutes(1)));
  }

  /** A rule's whole-number field, 0 when absent. */
  private static long whole(JsonObject rule, String prefix, String field) {
    Object v = rule.getValue(field);
    if (v == null) {
      return 0;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new ConfigException("history.retention rule for '" + prefix + "' is invalid: " + field
        + " must be a whole number, got " + v);
  }

  /** Every configured prefix: each rule yields to the longer ones. */
  public List<String> prefixes() {
    return rules.stream().map(RetentionRule::prefix).toList();
  }
}
