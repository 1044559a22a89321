package io.switchboard.bench.load;

import java.util.List;

/**
 * {@code fanout} (issue 4, scenario 1): for each of {@code --sizes} (10, 100, 1,000 and 5,000
 * subscribers), one room with one publisher on the first gateway, swept to saturation
 * ({@link RateSweep}).
 */
final class FanoutScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    List<String> first = context.urls().subList(0, 1);
    for (String size : context.args().string("sizes", "10,100,1000,5000").split(",")) {
      int subscribers = Integer.parseInt(size.trim());
      Population pop = context.population();
      String room = "fanout-" + subscribers + "-" + context.freshId();
      pop.add("sub" + subscribers, room, subscribers, first, false, 0);
      pop.add("pub" + subscribers, room, 1, first, true, 0);
      context.sweep(pop, "fanout", subscribers + 1);
      pop.closeAll();
      Thread.sleep(1000);
    }
  }
}
