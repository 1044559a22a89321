package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import static io.switchboard.bench.load.Numbers.ms;
import static io.switchboard.bench.load.Numbers.round;

/**
 * {@code storm} (issue 4, scenario 4): the connection storm, then, with {@code --kill NAME}, the
 * reconnect storm ({@link ReconnectStorm}). {@code --connections} clients (rooms of
 * {@code --group}, spread over the gateways) connect, say hello and join with
 * {@code --concurrency} handshakes in flight; the result ({@code connect-storm}) is how long
 * that took and the per-connection handshake-to-joined latency.
 */
final class StormScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    int connections = context.args().integer("connections", 10_000);
    int concurrency = context.args().integer("concurrency", 1000);
    int group = context.args().integer("group", 10);
    String kill = context.args().string("kill", "");
    String run = context.freshId();
    Population pop = context.population().reconnecting(context.urls())
        .reconnectDelays(context.args().integer("reconnect-min-ms", (int) Population.RECONNECT_MIN_MS),
            context.args().integer("reconnect-first-max-ms", (int) Population.RECONNECT_FIRST_MAX_MS));
    List<Population.Peer> peers = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      peers.add(pop.peer("s" + i + "-" + run, List.of("storm-" + run + "-" + i / group), false));
    }
    long t0 = System.nanoTime();
    pop.connect(peers, context.urls(), concurrency);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Histogram connect = pop.connectMicros.getIntervalHistogram();
    context.emit(new JsonObject().put("scenario", "connect-storm").put("target", context.target().name())
        .put("connections", connections).put("concurrency", concurrency).put("seconds", round(seconds))
        .put("connectsPerSec", round(connections / seconds))
        .put("p50ms", ms(connect, 50)).put("p99ms", ms(connect, 99)).put("maxMs", round(connect.getMaxValue() / 1000.0))
        .put("failures", pop.connectFailures.sum())
        .put("peakRssKiB", new JsonObject(new LinkedHashMap<>(ProcStats.peakRssKiB(context.target().pids())))));
    if (!kill.isEmpty()) {
      new ReconnectStorm(context, pop, peers, group).run(kill);
    }
    pop.closeAll();
  }
}
