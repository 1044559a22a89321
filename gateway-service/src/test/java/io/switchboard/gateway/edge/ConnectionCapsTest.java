package io.switchboard.gateway.edge;

import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.service.Stoppable;
import io.switchboard.common.service.TestServiceContext;
import io.switchboard.gateway.GatewayService;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway at its cap of connections that have not said hello, or over its pace of new
 * connections, refuses more, and tells the client when to retry: {@code 503} with {@code Retry-After} of 1 to 5 s, while it has refusal slots left;
 * without one, the connection is closed unanswered.
 */
class ConnectionCapsTest {

  private final Vertx vertx = Vertx.vertx();
  /** Held: a Vert.x 5 client that is no longer referenced is closed, with its connections. */
  private WebSocketClient client;
  private Stoppable gateway;

  @AfterEach
  void tearDown() {
    if (gateway != null) {
      gateway.stop().await();
    }
    vertx.close().await();
  }

  @Test
  void anUpgradeOverTheCapIsRefusedWith503AndARetryAfterOfOneToFiveSeconds() throws Exception {
    int port = start(1);
    client.connect(port, "127.0.0.1", "/ws/v1").await(); // holds the only slot: it never says hello
    for (int i = 0; i < 5; i++) {
      Throwable refused = connect(port);
      assertThat(refused).isInstanceOf(UpgradeRejectedException.class);
      UpgradeRejectedException rejected = (UpgradeRejectedException) refused;
      assertThat(rejected.getStatus()).isEqualTo(503);
      assertThat(Integer.parseInt(rejected.getHeaders().get("Retry-After"))).as("Retry-After, seconds").isBetween(1, 5);
      assertThat(new JsonObject(rejected.getBody()).getString("code")).isEqualTo("unavailable");
    }
  }

  @Test
  void withoutARefusalSlotAConnectionOverTheCapIsClosedUnanswered() throws Exception {
    int port = start(0);
    client.connect(port, "127.0.0.1", "/ws/v1").await();
    Throwable refused = connect(port);
    assertThat(refused).isNotNull().isNotInstanceOf(UpgradeRejectedException.class);
  }

  @Test
  void overItsConnectRateAGatewayRefusesNewConnectionsWith503UntilTheBucketRefills() throws Exception {
    int port = start(Map.of("SWITCHBOARD_GATEWAY_MAX_UNAUTHENTICATED", "100",
        "SWITCHBOARD_GATEWAY_CONNECT_RATE", "2", "SWITCHBOARD_GATEWAY_CONNECT_BURST", "2"));
    assertThat(connect(port)).isNull();
    assertThat(connect(port)).isNull();
    Throwable refused = connect(port);
    assertThat(refused).as("the third connection within a second").isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) refused).getStatus()).isEqualTo(503);
    assertThat(Integer.parseInt(((UpgradeRejectedException) refused).getHeaders().get("Retry-After"))).isBetween(1, 5);
    Thread.sleep(600); // two per second: a token again after half a second
    assertThat(connect(port)).as("once the bucket has refilled").isNull();
  }

  /** Starts a gateway that takes one connection before hello, with {@code refusals} refusal slots. */
  private int start(int refusals) throws Exception {
    return start(Map.of("SWITCHBOARD_GATEWAY_MAX_UNAUTHENTICATED", "1",
        "SWITCHBOARD_GATEWAY_MAX_ANSWERED_REFUSALS", String.valueOf(refusals)));
  }

  private int start(Map<String, String> limits) throws Exception {
    int port = freePort();
    Map<String, String> env = new HashMap<>(Map.of("SWITCHBOARD_GATEWAY_HOST", "127.0.0.1",
        "SWITCHBOARD_GATEWAY_PORT", String.valueOf(port), "SWITCHBOARD_AUTH_DEV_TOKENS", "true"));
    env.putAll(limits);
    gateway = new GatewayService(new ConfigSource(new JsonObject(), env))
        .deploy(TestServiceContext.local(vertx, System::currentTimeMillis)).await();
    client = vertx.createWebSocketClient();
    return port;
  }

  /** The failure of a WebSocket handshake with the gateway (null if it succeeded). */
  private Throwable connect(int port) throws Exception {
    return client.connect(port, "127.0.0.1", "/ws/v1").map(ws -> (Throwable) null).otherwise(e -> e)
        .await(5, TimeUnit.SECONDS);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
