package io.switchboard.bench.load;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The scenarios by their {@code --scenario} name, in the order the usage message lists them. */
final class Scenarios {

  private static final Map<String, Supplier<Scenario>> BY_NAME = byName();

  private Scenarios() {
  }

  private static Map<String, Supplier<Scenario>> byName() {
    Map<String, Supplier<Scenario>> scenarios = new LinkedHashMap<>();
    scenarios.put("smoke", SmokeScenario::new);
    scenarios.put("warmup", WarmupScenario::new);
    scenarios.put("fanout", FanoutScenario::new);
    scenarios.put("rooms", RoomsScenario::new);
    scenarios.put("cross", CrossGatewayScenario::new);
    scenarios.put("storm", StormScenario::new);
    scenarios.put("replay", ReplayScenario::new);
    scenarios.put("idle", IdleScenario::new);
    scenarios.put("hold", HoldScenario::new);
    scenarios.put("slow", SlowConsumersScenario::new);
    scenarios.put("steady", SteadyScenario::new);
    scenarios.put("failover", FailoverScenario::new);
    return Collections.unmodifiableMap(scenarios);
  }

  /** Every scenario name, in usage order. */
  static Set<String> names() {
    return BY_NAME.keySet();
  }

  /** The scenario called {@code name}; an unknown name is refused with the list of known ones. */
  static Scenario named(String name) {
    Supplier<Scenario> scenario = BY_NAME.get(name);
    if (scenario == null) {
      throw new IllegalArgumentException("--scenario " + String.join("|", BY_NAME.keySet()));
    }
    return scenario.get();
  }
}
