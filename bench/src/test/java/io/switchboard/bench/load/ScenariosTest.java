package io.switchboard.bench.load;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScenariosTest {

  @Test
  void everyScenarioNameTheScriptsUseIsItsOwnClass() {
    Map<String, Class<?>> expected = new LinkedHashMap<>();
    expected.put("smoke", SmokeScenario.class);
    expected.put("warmup", WarmupScenario.class);
    expected.put("fanout", FanoutScenario.class);
    expected.put("rooms", RoomsScenario.class);
    expected.put("cross", CrossGatewayScenario.class);
    expected.put("storm", StormScenario.class);
    expected.put("replay", ReplayScenario.class);
    expected.put("idle", IdleScenario.class);
    expected.put("hold", HoldScenario.class);
    expected.put("slow", SlowConsumersScenario.class);
    expected.put("steady", SteadyScenario.class);
    expected.put("failover", FailoverScenario.class);

    assertThat(Scenarios.names()).containsExactlyElementsOf(expected.keySet());
    expected.forEach((name, type) -> assertThat(Scenarios.named(name)).as(name).isExactlyInstanceOf(type));
  }

  @Test
  void anUnknownScenarioIsRefusedWithTheUsageListingEveryName() {
    assertThatThrownBy(() -> Scenarios.named("fan-out"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--scenario smoke|warmup|fanout|rooms|cross|storm|replay|idle|hold|slow|steady|failover");
  }
}
