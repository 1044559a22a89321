package io.switchboard.bench.load;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code warmup}: no results, only traffic for {@code --seconds} that JIT-compiles the servers'
 * message paths before anything is measured (seven JVMs compiling on two cores would otherwise be
 * measured as cost). Small rooms over both gateways for two thirds of the time, then one room of 1,000.
 */
final class WarmupScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    int seconds = context.args().integer("seconds", 90);
    List<String> urls = context.urls();
    String run = context.freshId();
    Population small = context.population();
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      peers.add(small.peer("w" + i + "-" + run, List.of("warm-" + run + "-" + i / 10, "warm-" + run + "-own-" + i), false));
    }
    small.connect(peers, urls, 256);
    small.enlist(peers, true);
    small.publish(1.5);
    progress(small, "warm-up, small rooms", seconds * 2 / 3);
    small.closeAll();
    Population big = context.population();
    String room = "warm-" + run + "-big";
    big.add("wsub", room, 1000, urls.subList(0, 1), false, 0);
    big.add("wpub", room, 1, urls.subList(0, 1), true, 0);
    big.publish(20);
    progress(big, "warm-up, one room of 1,000", seconds / 3);
    big.closeAll();
    Measurements.awaitQuiet(big);
  }

  /** Lets {@code pop} publish for {@code seconds}, printing its counts every second, then stops it. */
  private static void progress(Population pop, String label, int seconds) throws InterruptedException {
    for (int s = 0; s < seconds; s++) {
      Thread.sleep(1000);
      System.err.printf("  %s: %,d deliveries, %,d acks, %d errors so far%n", label, pop.deliveries.sum(), pop.acks.sum(),
          pop.errors.sum());
    }
    pop.publish(0);
  }
}
