package io.switchboard.bench.load;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

import static io.switchboard.bench.load.Numbers.round;

/**
 * {@code rooms} (issue 4, scenario 2), many small rooms: each of {@code --connections} is in its
 * own personal room and in a room of {@code --group}, spread over the gateways, and publishes
 * alternately into each (one delivery, then {@code group}). The sweep ({@link RateSweep}) is over
 * the aggregate publish rate.
 */
final class RoomsScenario implements Scenario {

  private static final Logger log = LoggerFactory.getLogger(RoomsScenario.class);

  @Override
  public void run(ScenarioContext context) throws Exception {
    int connections = context.args().integer("connections", 10_000);
    int group = context.args().integer("group", 10);
    String run = context.freshId();
    Population pop = context.population();
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      peers.add(pop.peer("u" + i + "-" + run, List.of("g-" + run + "-" + i / group, "p-" + run + "-" + i), false));
    }
    long t0 = System.nanoTime();
    pop.connect(peers, context.urls(), 512);
    log.info("{} connections joined {} rooms in {} s ({} failed)", connections, connections + (connections + group - 1) / group,
        round((System.nanoTime() - t0) / 1e9), pop.connectFailures.sum());
    pop.enlist(peers, true);
    context.sweep(pop, "rooms", (group + 1) / 2.0);
    pop.closeAll();
  }
}
