package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * {@code steady}: one room of {@code --subscribers} and one publisher at a fixed {@code --rate}
 * for {@code --seconds}: the cost of a delivery as a browser-like client (or, with
 * {@code --offer-deflate false}, a client that offers no compression) meets it. The compression
 * comparison of bench/run-security-bench.sh.
 */
final class SteadyScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    int subscribers = context.args().integer("subscribers", 1000);
    List<String> first = context.urls().subList(0, 1);
    Population pop = context.population();
    String room = "steady-" + subscribers + "-" + context.freshId();
    pop.add("ssub", room, subscribers, first, false, 0);
    pop.add("spub", room, 1, first, true, 0);
    context.measurements().measureIdleCpu();
    JsonObject r = context.measurements().measure(pop, "steady", context.args().integer("rate", 20), 3,
        context.args().integer("seconds", 20), subscribers + 1);
    context.emit(r.put("offerDeflate", context.args().bool("offer-deflate", true)));
    pop.closeAll();
  }
}
