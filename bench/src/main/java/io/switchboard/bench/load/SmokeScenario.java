package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code smoke}: a few seconds with small numbers, run by the system tests, that prove the
 * generator still speaks the protocol. Members are in two rooms each and publish into both, so
 * the multi-room path is exercised too.
 */
final class SmokeScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    Population pop = context.population();
    String run = context.freshId();
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      peers.add(pop.peer("smoke-" + i, List.of("smoke-" + run, "smoke-" + run + "-own-" + i), false));
    }
    pop.connect(peers, context.urls(), 6);
    pop.enlist(peers, true);
    JsonObject r = context.measurements().measure(pop, "smoke", 2, 1, 2, 3.5);
    pop.closeAll();
    context.emit(r);
  }
}
