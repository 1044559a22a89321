package io.switchboard.bench.load;

import java.util.List;

/**
 * {@code cross} (issue 4, scenario 3): {@code --subscribers} on the second gateway, the publisher
 * on the first, so every delivery crosses the event bus; swept like {@code fanout}
 * ({@link RateSweep}, results named {@code cross-gateway-*}).
 */
final class CrossGatewayScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    int subscribers = context.args().integer("subscribers", 100);
    List<String> urls = context.urls();
    if (urls.size() < 2) {
      throw new IllegalArgumentException("cross needs two gateway urls");
    }
    Population pop = context.population();
    String room = "cross-" + context.freshId();
    pop.add("xsub", room, subscribers, urls.subList(1, 2), false, 0);
    pop.add("xpub", room, 1, urls.subList(0, 1), true, 0);
    context.sweep(pop, "cross-gateway", subscribers + 1);
    pop.closeAll();
  }
}
