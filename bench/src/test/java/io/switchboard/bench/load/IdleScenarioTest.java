package io.switchboard.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IdleScenarioTest {

  @Test
  void connectionsAreSpreadEvenlyOverAsFewHoldersAsThePerProcessLimitAllows() {
    assertThat(IdleScenario.holderShares(5_000, 9_500)).containsExactly(5_000);
    assertThat(IdleScenario.holderShares(10_000, 9_500)).containsExactly(5_000, 5_000);
    assertThat(IdleScenario.holderShares(19_000, 9_500)).containsExactly(9_500, 9_500);
    assertThat(IdleScenario.holderShares(7, 3)).containsExactly(3, 2, 2);
  }

  @Test
  void heapByClassReportsTheFifteenLargestGrowthsPerConnectionCountingNewClassesFromZero() {
    Map<String, long[]> before = new LinkedHashMap<>();
    Map<String, long[]> after = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      before.put("C" + i, new long[] {1, 100});
      after.put("C" + i, new long[] {1 + i, 100 + 10L * i});
    }
    after.put("New", new long[] {30, 3_000});

    JsonArray top = IdleScenario.heapByClass(before, after, 3);

    assertThat(top).hasSize(15);
    assertThat(top.getJsonObject(0)).isEqualTo(new JsonObject().put("class", "New").put("bytesPerConnection", 1000.0)
        .put("instancesPerConnection", 10.0));
    assertThat(top.getJsonObject(1)).isEqualTo(new JsonObject().put("class", "C19").put("bytesPerConnection", 63.33)
        .put("instancesPerConnection", 6.33));
    assertThat(top.getJsonObject(14).getString("class")).isEqualTo("C6");
  }
}
