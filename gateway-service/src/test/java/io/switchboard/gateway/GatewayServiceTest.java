package io.switchboard.gateway;

import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.TestServiceContext;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping the gateway closes its sockets with {@code 4000}, which tells clients to reconnect
 * elsewhere, and releases its port.
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
