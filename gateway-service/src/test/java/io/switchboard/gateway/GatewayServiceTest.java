package io.switchboard.gateway;

import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.TestServiceContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the gateway closes its sockets with {@code 4000}, which tells clients to reconnect
 * elsewhere, spread over its drain window, refuses new ones meanwhile, and releases its port.
 */
class GatewayServiceTest {

  private final Vertx vertx = Vertx.vertx();
  /** Held: a Vert.x 5 client that is no longer referenced is closed, with its connections. */
  private WebSocketClient client;

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void stoppingDrainsTheSocketsOverTheDrainWindowAndRefusesNewOnesMeanwhile() throws Exception {
    int port = freePort();
    ConfigSource config = new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_GATEWAY_HOST", "127.0.0.1",
        "SWITCHBOARD_GATEWAY_PORT", String.valueOf(port), "SWITCHBOARD_AUTH_DEV_TOKENS", "true",
        "SWITCHBOARD_GATEWAY_DRAIN_MS", "1000"));
    Stoppable running = new GatewayService(config)
        .deploy(TestServiceContext.local(vertx, System::currentTimeMillis)).await();
    client = vertx.createWebSocketClient();
    int sockets = 40;
    List<Future<Long>> closedAt = new ArrayList<>();
    List<Future<Short>> codes = new ArrayList<>();
    for (int i = 0; i < sockets; i++) {
      WebSocket socket = client.connect(port, "127.0.0.1", "/ws/v1").await();
      Promise<Long> at = Promise.promise();
      Promise<Short> code = Promise.promise();
      socket.closeHandler(v -> {
        at.tryComplete(System.nanoTime());
        code.tryComplete(socket.closeStatusCode());
      });
      closedAt.add(at.future());
      codes.add(code.future());
    }

    long stopAt = System.nanoTime();
    Future<?> stopped = running.stop();
    Thread.sleep(200);
    Throwable refused = client.connect(port, "127.0.0.1", "/ws/v1").map(ws -> (Throwable) null)
        .otherwise(e -> e).await(5, TimeUnit.SECONDS);
    stopped.await(10, TimeUnit.SECONDS);

    assertThat(Future.all(codes).await(5, TimeUnit.SECONDS).<Short>list()).as("close codes")
        .containsOnly(CloseCode.SHUTDOWN.code());
    List<Long> times = Future.all(closedAt).await(5, TimeUnit.SECONDS).<Long>list();
    long firstMs = (times.stream().min(Long::compare).orElseThrow() - stopAt) / 1_000_000;
    long lastMs = (times.stream().max(Long::compare).orElseThrow() - stopAt) / 1_000_000;
    assertThat(firstMs).as("first close, ms after stop").isLessThan(300);
    assertThat(lastMs).as("last close, ms after stop").isBetween(700L, 3000L);
    assertThat(refused).as("an upgrade while draining").isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(503);
  }

  @Test
  void stoppingClosesEverySocketWithShutdownAndReleasesThePublicPort() throws Exception {
    int port = freePort();
    ConfigSource config = new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_GATEWAY_HOST", "127.0.0.1",
        "SWITCHBOARD_GATEWAY_PORT", String.valueOf(port), "SWITCHBOARD_AUTH_DEV_TOKENS", "true"));
    Stoppable running = new GatewayService(config)
        .deploy(TestServiceContext.local(vertx, System::currentTimeMillis)).await();
    client = vertx.createWebSocketClient();
    WebSocket socket = client.connect(port, "127.0.0.1", "/ws/v1").await();
    Promise<Short> closed = Promise.promise();
    socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));

    running.stop().await();

    assertThat(closed.future().await(5, TimeUnit.SECONDS)).isEqualTo(CloseCode.SHUTDOWN.code());
    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(again.isBound()).as("the public port is released").isTrue();
    }
  }
}
