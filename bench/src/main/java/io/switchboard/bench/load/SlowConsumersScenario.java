package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * {@code slow} (issue 4, scenario 7), slow consumers: {@code --subscribers} in one room at a
 * fixed {@code --rate} with messages padded by {@code --pad} bytes. First everyone reads (the
 * baseline, {@code slow-baseline}); then {@code --slow-percent}% of them stop reading
 * ({@code slow-consumers}). Reports the latency the others see in both phases, how many slow
 * consumers the server closed with 4001 (counted once they read again and see the close), and the
 * servers' peak memory.
 */
final class SlowConsumersScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    int subscribers = context.args().integer("subscribers", 500);
    double slowFraction = context.args().integer("slow-percent", 1) / 100.0;
    int pad = context.args().integer("pad", 2048);
    List<String> first = context.urls().subList(0, 1);
    Measurements m = context.measurements();
    Population pop = context.population().padding(pad);
    String room = "slow-" + context.freshId();
    pop.add("slowsub", room, subscribers, first, false, slowFraction);
    pop.add("slowpub", room, 1, first, true, 0);
    double rate = context.args().integer("rate", 64);
    int seconds = context.args().integer("seconds", 60);
    m.measure(pop, "slow-consumers-warmup", rate, 0, context.args().integer("warmup", 10), subscribers + 1);
    context.emit(m.measure(pop, "slow-baseline", rate, 0, Math.max(5, seconds / 3), subscribers + 1)
        .put("slowConsumers", 0).put("padBytes", pad));
    pop.pauseSlow();
    JsonObject r = m.measure(pop, "slow-consumers", rate, 0, seconds, subscribers + 1);
    pop.resumeSlow();
    Thread.sleep(3000);
    context.emit(r.put("slowConsumers", pop.slowCount()).put("slowConsumerCloses", pop.slowConsumerCloses.sum())
        .put("padBytes", pad));
    pop.closeAll();
  }
}
