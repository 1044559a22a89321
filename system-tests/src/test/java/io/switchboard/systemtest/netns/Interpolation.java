package io.switchboard.systemtest.netns;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable interpolation of a value from docker-compose.yml: {@code $$} is a literal
 * {@code $}; {@code ${VAR}} and {@code $VAR} are the variable or empty; {@code ${VAR:-default}}
 * takes the default when the variable is unset or empty, {@code ${VAR-default}} only when unset;
 * {@code ${VAR:?message}} and {@code ${VAR?message}} refuse an unset (or empty) variable. Defaults
 * are taken literally (no nested {@code ${...}}, which Compose allows but this file does not use).
 *
 * <p>The variables are the bed's own, explicit map (empty unless a test gives some), never the
 * shell's environment: a run must not depend on who starts it.
 */
final class Interpolation {

  private static final Pattern REFERENCE = Pattern.compile(
      "\\$(?:(\\$)|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

  private final Map<String, String> variables;

  Interpolation(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  String apply(String text) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(replacement(m, text)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String replacement(Matcher m, String text) {
    if (m.group(1) != null) {
      return "$";
    }
    String name = m.group(2) != null ? m.group(2) : m.group(5);
    String value = variables.get(name);
    String operator = m.group(3);
    if (m.group(4) != null && m.group(4).contains("${")) {
      throw new IllegalArgumentException("nested interpolation is not supported: '" + text + "'");
    }
    if (operator == null) {
      return value == null ? "" : value;
    }
    boolean emptyCountsAsUnset = operator.startsWith(":");
    boolean unset = value == null || (emptyCountsAsUnset && value.isEmpty());
    if (!unset) {
      return value;
    }
    if (operator.endsWith("?")) {
      throw new IllegalArgumentException("variable " + name + " is required by '" + text + "': " + m.group(4));
    }
    return m.group(4);
  }
}
