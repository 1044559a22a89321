package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import io.switchboard.bench.Watchdog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClientOptions;

/**
 * The load generator: speaks the documented protocol over real WebSockets to a Switchboard
 * cluster or to the control server, runs one scenario, and writes one JSON line per measured
 * phase. Every run is bounded by {@code --max-seconds}.
 *
 * <pre>
 * java -cp bench/target/bench.jar io.switchboard.bench.load.LoadGen --target switchboard --scenario fanout
 * java -cp bench/target/bench.jar io.switchboard.bench.load.LoadGen --target control --urls ws://127.0.0.1:8090/ws/v1 --pids control=1234 --scenario fanout
 * </pre>
 *
 * Scenarios (issue 4's numbering), one class each:
 * <ol>
 *   <li>{@code fanout} ({@link FanoutScenario}): 1 room, 10/100/1000/5000 subscribers, publish-rate
 *       sweep to saturation, then latency at 25/50/75% of it;</li>
 *   <li>{@code rooms} ({@link RoomsScenario}): 10,000 connections, each in a personal room and a
 *       room of 10, every connection publishing, alternately into each;</li>
 *   <li>{@code cross} ({@link CrossGatewayScenario}): publisher and subscribers on different gateways;</li>
 *   <li>{@code storm} ({@link StormScenario}): 10,000 connections at once, then (with
 *       {@code --kill NAME}) a gateway is killed under live traffic and its clients reconnect to
 *       the others and resume with {@code since} ({@link ReconnectStorm}): time until every one has
 *       resumed, and proof that none missed a message;</li>
 *   <li>{@code replay} ({@link ReplayScenario}): rejoin with 50/500/5,000 missed messages, alone and
 *       during live load;</li>
 *   <li>{@code idle} ({@link IdleScenario}): memory per idle connection on one gateway (connections
 *       held by child {@code hold} processes, {@link HoldScenario}, each under the file-descriptor limit);</li>
 *   <li>{@code slow} ({@link SlowConsumersScenario}): 1% of subscribers stop reading; the others'
 *       latency before and after, the 4001 disconnects, the servers' peak memory.</li>
 * </ol>
 * {@code smoke} ({@link SmokeScenario}) is a few seconds with small numbers, run by the test suite.
 * {@code warmup} ({@link WarmupScenario}) only JIT-compiles the servers. {@code steady}
 * ({@link SteadyScenario}) is one room at a fixed rate (the compression comparison of
 * bench/run-security-bench.sh). {@code failover} ({@link FailoverScenario}) measures the write
 * outage of each fault a script injects (bench/run-history-failover-bench.sh). Clients offer {@code permessage-deflate} as browsers do, unless
 * {@code --offer-deflate false}.
 */
public final class LoadGen {

  private LoadGen() {
  }

  /**
   * Client options that offer what browsers offer: {@code permessage-deflate} with
   * {@code client_max_window_bits} ({@code --offer-deflate false} to offer nothing), so the
   * benchmarks measure what a browser would get from the server.
   */
  public static WebSocketClientOptions browserLike(Args args) {
    return new WebSocketClientOptions().setTryUsePerMessageCompression(args.bool("offer-deflate", true));
  }

  public static void main(String[] argv) throws Exception {
    Args args = new Args(argv);
    int maxSeconds = args.integer("max-seconds", 900);
    Thread watchdog = Watchdog.start(maxSeconds);
    try {
      Scenario scenario = Scenarios.named(args.string("scenario", "smoke"));
      LoadTarget target = LoadTarget.from(args);
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
      try {
        scenario.run(new ScenarioContext(args, target, vertx, maxSeconds));
      } finally {
        vertx.close().await();
      }
    } finally {
      watchdog.interrupt();
    }
  }
}
