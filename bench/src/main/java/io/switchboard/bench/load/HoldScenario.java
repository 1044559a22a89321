package io.switchboard.bench.load;

import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code hold}, a child process of {@link IdleScenario idle}: holds {@code --count} idle
 * connections in {@code --room} from {@code --local-address}, writes
 * {@code {"held": n, "closes": c}} to the {@code --ready} file (atomically), then waits to be
 * stopped (at most {@code --max-seconds}).
 */
final class HoldScenario implements Scenario {

  @Override
  public void run(ScenarioContext context) throws Exception {
    WebSocketClient local = context.vertx().createWebSocketClient(LoadGen.browserLike(context.args()).setMaxConnections(100_000)
        .setConnectTimeout(30_000).setLocalAddress(context.args().string("local-address", "127.0.0.1")));
    Population pop = new Population(context.vertx(), local);
    int count = context.args().integer("count", 1000);
    pop.add("hold-" + context.freshId(), context.args().string("room", "idle-lobby"), count, context.urls().subList(0, 1), false, 0);
    Path ready = Path.of(context.args().string("ready", "/dev/null"));
    Path partial = Path.of(ready + ".partial");
    Files.writeString(partial, new JsonObject().put("held", count - pop.connectFailures.sum()).put("closes", pop.closes.sum()).encode());
    Files.move(partial, ready, StandardCopyOption.ATOMIC_MOVE);
    new CountDownLatch(1).await(context.maxSeconds(), TimeUnit.SECONDS);
  }
}
