package io.switchboard.bench.load;

import io.switchboard.bench.Args;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * What a scenario runs with: its command-line options, the target, the Vert.x instance and the
 * browser-like WebSocket client its connections use, the measuring instrument and the results
 * file. One per run; {@link LoadGen} creates it and closes the Vert.x instance afterwards.
 */
final class ScenarioContext {

  private final Args args;
  private final LoadTarget target;
  private final Vertx vertx;
  /** Kept referenced for the whole run: Vert.x 5 closes a client, and its connections, once it is garbage-collected. */
  private final WebSocketClient client;
  private final Measurements measurements;
  private final ResultWriter results;
  private final int maxSeconds;

  ScenarioContext(Args args, LoadTarget target, Vertx vertx, int maxSeconds) {
    this.args = args;
    this.target = target;
    this.vertx = vertx;
    this.maxSeconds = maxSeconds;
    this.results = new ResultWriter(Path.of(args.string("out", "/dev/stdout")));
    this.client = vertx.createWebSocketClient(LoadGen.browserLike(args).setMaxConnections(100_000)
        .setConnectTimeout(30_000).setMaxFrameSize(1 << 20));
    this.measurements = new Measurements(target);
  }

  Args args() {
    return args;
  }

  LoadTarget target() {
    return target;
  }

  /** The gateways' URLs ({@code --urls}). */
  List<String> urls() {
    return target.urls();
  }

  Vertx vertx() {
    return vertx;
  }

  WebSocketClient client() {
    return client;
  }

  /** {@code --max-seconds}: how long the whole run may take. */
  int maxSeconds() {
    return maxSeconds;
  }

  /** A new, empty set of connections over the shared client. */
  Population population() {
    return new Population(vertx, client);
  }

  Measurements measurements() {
    return measurements;
  }

  /** Sweeps the publish rate of {@code pop} to saturation ({@link RateSweep}), with the sweep options of the command line. */
  void sweep(Population pop, String scenario, double fanout) throws Exception {
    new RateSweep(measurements, results, RateSweep.Options.from(args)).run(pop, scenario, fanout);
  }

  /** Writes one result line. */
  void emit(JsonObject result) throws IOException {
    results.emit(result);
  }

  /** A fresh short id that keeps this run's rooms and users apart from earlier runs' against the same target. */
  String freshId() {
    return UUID.randomUUID().toString().substring(0, 6);
  }
}
