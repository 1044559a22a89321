package io.switchboard.gateway.auth;

import io.switchboard.common.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Who may do what in which room. A room's namespace is the part of its id before the first
 * {@code :} ({@code public:lobby} is in {@code public}); rooms without one, and rooms of a namespace
 * no policy names, follow the default policy (namespace {@code ""}). Each policy gives every
 * {@link RoomAction} a {@link Rule}. Immutable and thread-safe.
 *
 * <p>Built in, unless {@code auth.namespaces} replaces them: {@code public} lets every
 * authenticated user do everything; {@code private} needs a grant for everything; in {@code user},
 * {@code user:<id>} belongs to user {@code <id>}; everything else needs a grant.
 */
public final class RoomPolicy {

  /** How an action is decided in a namespace. */
  public enum Rule {
    /** Every authenticated user. */
    ANY,
    /** The user the room is named after ({@code <namespace>:<user id>}), or a grant. */
    OWNER,
    /** Only a grant in the token's rooms claim. */
    GRANT,
    /** Nobody, grant or not. */
    NONE
  }

  /** The namespace of rooms without one (and of namespaces no policy names). */
  public static final String DEFAULT_NAMESPACE = "";

  private final Map<String, Map<RoomAction, Rule>> byNamespace;

  private RoomPolicy(Map<String, Map<RoomAction, Rule>> byNamespace) {
    this.byNamespace = Map.copyOf(byNamespace);
  }

  public static RoomPolicy defaults() {
    Map<String, Map<RoomAction, Rule>> m = new HashMap<>();
    m.put("public", all(Rule.ANY));
    m.put("private", all(Rule.GRANT));
    m.put("user", all(Rule.OWNER));
    m.put(DEFAULT_NAMESPACE, all(Rule.GRANT));
    return new RoomPolicy(m);
  }

  /**
   * Reads {@code auth.namespaces}: {@code [{"namespace": "public", "join": "any", "send": "any",
   * "history": "any", "presence": "any"}, ...]}. An action left out is {@code grant}; a namespace
   * {@code ""} entry sets the default policy, which is otherwise all {@code grant}.
   */
  public static RoomPolicy from(JsonArray config) {
    Map<String, Map<RoomAction, Rule>> m = new HashMap<>();
    m.put(DEFAULT_NAMESPACE, all(Rule.GRANT));
    Set<String> seen = new HashSet<>();
    for (Object o : config) {
      if (!(o instanceof JsonObject entry) || !(entry.getValue("namespace") instanceof String ns)
          || ns.contains(":")) {
        throw new ConfigException("auth.namespaces: every entry needs a \"namespace\" without ':', got " + o);
      }
      Map<RoomAction, Rule> rules = all(Rule.GRANT);
      for (String key : entry.fieldNames()) {
        if (key.equals("namespace")) {
          continue;
        }
        RoomAction action = RoomAction.fromWire(key);
        if (action == null) {
          throw new ConfigException("auth.namespaces: unknown action '" + key + "' in namespace '" + ns
              + "' (join, send, history, presence)");
        }
        rules.put(action, rule(ns, key, entry.getValue(key)));
      }
      m.put(ns, rules);
      if (!seen.add(ns)) {
        throw new ConfigException("auth.namespaces: namespace '" + ns + "' is listed twice");
      }
    }
    return new RoomPolicy(m);
  }

  private static Rule rule(String ns, String action, Object value) {
    try {
      return Rule.valueOf(String.valueOf(value).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("auth.namespaces: '" + ns + "'." + action + " is '" + value
          + "', expected any, owner, grant or none");
    }
  }

  private static Map<RoomAction, Rule> all(Rule rule) {
    Map<RoomAction, Rule> m = new EnumMap<>(RoomAction.class);
    for (RoomAction a : RoomAction.values()) {
      m.put(a, rule);
    }
    return m;
  }

  /** Whether {@code who} may do {@code action} in {@code room} (a valid room id). */
  public boolean allows(Principal who, String room, RoomAction action) {
    int colon = room.indexOf(':');
    String ns = colon < 0 ? DEFAULT_NAMESPACE : room.substring(0, colon);
    Map<RoomAction, Rule> rules = byNamespace.get(ns);
    if (rules == null) {
      rules = byNamespace.get(DEFAULT_NAMESPACE);
    }
    return switch (rules.get(action)) {
      case ANY -> true;
      case OWNER -> (colon >= 0 && room.length() - colon - 1 == who.user().length() && room.endsWith(who.user()))
          || who.grants().grants(room, action);
      case GRANT -> who.grants().grants(room, action);
      case NONE -> false;
    };
  }

  /** Every action {@code who} may do in {@code room}. */
  public Set<RoomAction> rights(Principal who, String room) {
    EnumSet<RoomAction> out = EnumSet.noneOf(RoomAction.class);
    for (RoomAction a : RoomAction.values()) {
      if (allows(who, room, a)) {
        out.add(a);
      }
    }
    return out;
  }

  /** The namespaces with a policy of their own, for the startup log. */
  public List<String> namespaces() {
    return byNamespace.keySet().stream().filter(ns -> !ns.isEmpty()).sorted().toList();
  }
}
