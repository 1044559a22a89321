package io.switchboard.systemtest;

import io.switchboard.bench.security.RawWebSocket;
import io.switchboard.gateway.auth.TokenTool;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public edge as an attacker meets it, on a real cluster with the product's default limits and
 * room policies: compression refused, Origin checked, slow upgrades cut off, oversized and
 * malformed frames closed with their documented codes, JWTs required on WebSocket and HTTP,
 * private rooms closed to strangers, and a flooding socket throttled then closed. Development tokens
 * are off, as by default.
 */
@ClusterTestBase.ClusterEnv({
    "SWITCHBOARD_AUTH_DEV_TOKENS=",
    "SWITCHBOARD_AUTH_NAMESPACES=",
    "SWITCHBOARD_GATEWAY_FRAME_RATE=",
    "SWITCHBOARD_GATEWAY_FRAME_BURST=",
    "SWITCHBOARD_GATEWAY_SEND_RATE=",
    "SWITCHBOARD_GATEWAY_SEND_BURST=",
    "SWITCHBOARD_AUTH_JWT_PUBLIC_KEYS=" + EdgeSecurityTest.PUBLIC_KEY,
    "SWITCHBOARD_AUTH_JWT_ISSUER=" + EdgeSecurityTest.ISSUER,
    "SWITCHBOARD_AUTH_JWT_AUDIENCE=switchboard",
    "SWITCHBOARD_AUTH_JWT_CLOCK_SKEW_SECONDS=1",
    "SWITCHBOARD_GATEWAY_UPGRADE_TIMEOUT_MS=3000"})
class EdgeSecurityTest extends ClusterTestBase {

  static final String KEYS = "target/edge-security-keys";
  static final String PUBLIC_KEY = KEYS + "/jwt-public.pem";
  static final String ISSUER = "https://id.test";

  static {
    try {
      TokenTool.writeKeys(Path.of(KEYS));
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final HttpClient http = HttpClient.newHttpClient();

  private static String token(String user, long ttlSeconds, JsonObject rooms) throws IOException {
    return TokenTool.mint(vertx, Files.readString(Path.of(KEYS, "jwt-private.pem")), user, ttlSeconds, ISSUER,
        "switchboard", rooms);
  }

  private static int port(int gateway) {
    return cluster.gateway(gateway).gatewayPort;
  }

  private HttpResponse<String> history(String room, String token) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(0) + "/api/v1/rooms/" + room + "/messages?limit=500"));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static long rssKiB(ClusterHarness.Proc p) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(p.process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  /** A permessage-deflate payload that inflates to {@code mebibytes} MiB of zeros (about 1 KB per MiB). */
  private static byte[] deflateBomb(int mebibytes) {
    Deflater deflater = new Deflater(9, true);
    byte[] zeros = new byte[1 << 20];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (int i = 0; i < mebibytes; i++) {
      deflater.setInput(zeros);
      int n;
      while ((n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH)) > 0) {
        out.write(buf, 0, n);
      }
    }
    int n;
    while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
    }
    byte[] all = out.toByteArray();
    byte[] payload = new byte[all.length - 4]; // permessage-deflate drops the 00 00 ff ff tail
    System.arraycopy(all, 0, payload, 0, payload.length);
    return payload;
  }

  @Test
  void compressionIsNotNegotiatedAndCompressedFramesAreRefusedWithoutStallingOtherRooms() throws Exception {
    ClusterHarness.Proc gateway = cluster.gateway(0);
    ChatClient calm = ChatClient.connectWithToken(vertx, gateway.wsUrl(), token("calm", 600, null));
    calm.join("public:calm");
    calm.sendAll("public:calm", List.of("warm-1", "warm-2"), Duration.ofSeconds(10));
    long rssBefore = rssKiB(gateway);

    byte[] bomb = deflateBomb(50);
    assertThat(bomb.length).as("a ~50 KB frame that inflates to 50 MiB").isBetween(40_000, 64_000);
    List<RawWebSocket> attackers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RawWebSocket a = RawWebSocket.connect(port(0), "/ws/v1",
          Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"));
      assertThat(a.status).isEqualTo(101);
      assertThat(a.headers).as("no extension is negotiated").doesNotContainKey("sec-websocket-extensions");
      attackers.add(a);
    }
    long worstAckMs = 0;
    for (int i = 0; i < attackers.size(); i++) {
      RawWebSocket a = attackers.get(i);
      for (int k = 0; k < 4; k++) {
        try {
          a.sendFrame(0xC1, bomb); // FIN + RSV1 (compressed) + text
        } catch (SocketException closedAlready) {
          break;
        }
      }
      long t0 = System.nanoTime();
      calm.sendAll("public:calm", List.of("during-" + i), Duration.ofSeconds(10));
      worstAckMs = Math.max(worstAckMs, (System.nanoTime() - t0) / 1_000_000);
    }
    for (RawWebSocket a : attackers) {
      assertThat(a.awaitClose(Duration.ofSeconds(5))).as("closed as a protocol error").isEqualTo(1002);
      a.close();
    }
    assertThat(worstAckMs).as("a send in another room during the attack (a stall was 7.6 s)").isLessThan(1000);
    assertThat(rssKiB(gateway) - rssBefore).as("gateway RSS growth, KiB").isLessThan(20 * 1024);
    calm.close();
  }

  @Test
  void aPageFromAnotherOriginGets403BeforeTheUpgrade() throws Exception {
    try (RawWebSocket evil = RawWebSocket.connect(port(0), "/ws/v1", Map.of("Origin", "https://evil.example"))) {
      assertThat(evil.status).isEqualTo(403);
      assertThat(new JsonObject(evil.body).getString("code")).isEqualTo("forbidden");
    }
    try (RawWebSocket own = RawWebSocket.connect(port(0), "/ws/v1", Map.of("Origin", "http://127.0.0.1:" + port(0)))) {
      assertThat(own.status).as("the gateway's own chat page").isEqualTo(101);
    }
    try (RawWebSocket noOrigin = RawWebSocket.connect(port(0), "/ws/v1", Map.of())) {
      assertThat(noOrigin.status).as("not a browser: no Origin").isEqualTo(101);
    }
  }

  @Test
  void fiveHundredHalfSentUpgradesAreAllClosedByTheDeadline() throws Exception {
    List<Socket> slow = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      Socket s = new Socket();
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port(1)), 2000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /ws/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      slow.add(s);
    }
    long deadline = System.currentTimeMillis() + 3000 + 4000; // the 3 s deadline, plus slack for a loaded machine
    int open = 0;
    for (Socket s : slow) {
      s.setSoTimeout((int) Math.max(1, deadline - System.currentTimeMillis()));
      try (InputStream in = s.getInputStream()) {
        while (in.read() >= 0) {
          // drain until the server closes
        }
      } catch (java.net.SocketTimeoutException stillOpen) {
        open++;
      } catch (IOException reset) {
        // closed
      }
    }
    assertThat(open).as("half-sent upgrades still open after the deadline").isZero();
    ChatClient after = ChatClient.connectWithToken(vertx, cluster.gateway(1).wsUrl(), token("after", 60, null));
    assertThat(after.request(new JsonObject().put("type", "ping")).getString("type")).as("slots were released").isEqualTo("pong");
    after.close();
  }

  @Test
  void anOversizedFrameClosesWith1009AndInvalidUtf8With1007() throws Exception {
    try (RawWebSocket big = RawWebSocket.connect(port(0), "/ws/v1", Map.of())) {
      big.sendFrame(0x81, new byte[70_000]);
      assertThat(big.awaitClose(Duration.ofSeconds(5))).isEqualTo(1009);
    }
    try (RawWebSocket bad = RawWebSocket.connect(port(0), "/ws/v1", Map.of())) {
      bad.sendFrame(0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
      assertThat(bad.awaitClose(Duration.ofSeconds(5))).isEqualTo(1007);
    }
    try (RawWebSocket fragmented = RawWebSocket.connect(port(0), "/ws/v1", Map.of())) {
      for (int i = 0; i < 3; i++) {
        fragmented.sendFrame(i == 0 ? 0x01 : 0x00, new byte[30_000]); // text, then continuations, never final
      }
      assertThat(fragmented.awaitClose(Duration.ofSeconds(5))).as("a message reassembled past 64 KiB").isEqualTo(1009);
    }
  }

  @Test
  void aValidJwtOpensTheWebSocketAndTheHttpApiAndAForgedOneNeither() throws Exception {
    String good = token("jo", 600, null);
    ChatClient jo = ChatClient.connectWithToken(vertx, cluster.gateway(0).wsUrl(), good);
    jo.join("public:jwt");
    jo.sendAll("public:jwt", List.of("j1"), Duration.ofSeconds(10));
    HttpResponse<String> page = history("public:jwt", good);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(page.body()).getJsonArray("messages")).hasSize(1);

    String[] parts = good.split("\\.");
    String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
            .put("sub", "admin").encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    for (String bad : List.of(forged, "dev:admin", "not-a-token")) {
      assertThat(history("public:jwt", bad).statusCode()).as("HTTP with %s", bad).isEqualTo(401);
    }
    assertThat(history("public:jwt", null).statusCode()).isEqualTo(401);
    ChatClient impostor = ChatClient.open(vertx, cluster.gateway(0).wsUrl());
    JsonObject refused = impostor.request(new JsonObject().put("type", "hello").put("token", forged));
    assertThat(refused.getString("code")).isEqualTo("invalid_token");
    assertThat(impostor.awaitClose(Duration.ofSeconds(5))).isEqualTo((short) 4500);
    jo.close();
  }

  @Test
  void privateRoomsAreClosedToStrangersOnEveryPathAndARefusalUsesNoSeq() throws Exception {
    String room = "private:team-7";
    String memberToken = token("mo", 600, new JsonObject().put("private:team-*", "all"));
    String strangerToken = token("stan", 600, null);
    ChatClient member = ChatClient.connectWithToken(vertx, cluster.gateway(0).wsUrl(), memberToken);
    ChatClient stranger = ChatClient.connectWithToken(vertx, cluster.gateway(1).wsUrl(), strangerToken);
    member.join(room);
    assertThat(member.sendAll(room, List.of("p1"), Duration.ofSeconds(10))).containsEntry("p1", 1L);

    assertThat(stranger.request(new JsonObject().put("type", "join").put("room", room)).getString("code")).isEqualTo("forbidden");
    assertThat(stranger.request(new JsonObject().put("type", "join").put("room", room)
        .put("since", new JsonObject().put("seq", 0))).getString("code")).as("no replay either").isEqualTo("forbidden");
    assertThat(stranger.request(new JsonObject().put("type", "presence").put("room", room)).getString("code")).isEqualTo("forbidden");
    assertThat(stranger.request(new JsonObject().put("type", "send").put("room", room).put("clientMsgId", "s1")
        .put("body", "hi")).getString("code")).isEqualTo("not_joined");
    HttpResponse<String> history = history(room, strangerToken);
    assertThat(history.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(history.body()).getString("code")).isEqualTo("forbidden");
    assertThat(history(room, memberToken).statusCode()).isEqualTo(200);
    assertThat(stranger.messages(room)).isEmpty();
    assertThat(member.sendAll(room, List.of("p2"), Duration.ofSeconds(10))).as("the room's seq did not move")
        .containsEntry("p2", 2L);

    String aliceToken = token("alice", 600, null);
    ChatClient alice = ChatClient.connectWithToken(vertx, cluster.gateway(0).wsUrl(), aliceToken);
    alice.join("user:alice");
    alice.sendAll("user:alice", List.of("note-to-self"), Duration.ofSeconds(10));
    assertThat(history("user:alice", aliceToken).statusCode()).isEqualTo(200);
    assertThat(history("user:alice", strangerToken).statusCode()).isEqualTo(403);
    assertThat(stranger.request(new JsonObject().put("type", "join").put("room", "user:alice")).getString("code"))
        .isEqualTo("forbidden");
    member.close();
    stranger.close();
    alice.close();
  }

  @Test
  void refreshKeepsALiveConnectionAndAnExpiredOneIsClosedWith4004() throws Exception {
    ChatClient keeper = ChatClient.connectWithToken(vertx, cluster.gateway(0).wsUrl(), token("kim", 3, null));
    ChatClient lapser = ChatClient.connectWithToken(vertx, cluster.gateway(1).wsUrl(), token("lee", 3, null));
    JsonObject refreshed = keeper.request(new JsonObject().put("type", "refresh").put("token", token("kim", 600, null)));
    assertThat(refreshed.getString("type")).isEqualTo("refreshed");
    assertThat(lapser.awaitClose(Duration.ofSeconds(15))).as("exp + 1 s skew").isEqualTo((short) 4004);
    assertThat(keeper.isOpen()).isTrue();
    assertThat(keeper.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");
    keeper.close();
  }

  /**
   * The JavaScript SDK (e2e/sdk.test.mjs) against this cluster: token refresh on a live
   * connection, reconnect after the expiry close, waiting out rate limits, forbidden rooms.
   */
  @Test
  void theJavaScriptSdkRefreshesTokensWaitsOutRateLimitsAndReportsForbiddenRooms() throws Exception {
    E2e.requireTools(false);
    E2e.npm("test:sdk", Map.of(
        "SWITCHBOARD_WS", cluster.gateway(0).wsUrl(),
        "SWITCHBOARD_JWT_KEY", Path.of(KEYS, "jwt-private.pem").toAbsolutePath().toString(),
        "SWITCHBOARD_JWT_ISSUER", ISSUER,
        "SWITCHBOARD_JWT_AUDIENCE", "switchboard"), Path.of("target", "e2e-sdk-output.txt"));
  }

  @Test
  void aFloodOfTwoThousandSendsFromOneSocketIsThrottledThenClosed() throws Exception {
    String floodToken = token("flo", 600, null);
    ChatClient flooder = ChatClient.connectWithToken(vertx, cluster.gateway(1).wsUrl(), floodToken);
    flooder.join("public:flood");
    int sent = 0;
    for (; sent < 2000 && flooder.isOpen(); sent++) {
      flooder.send(new JsonObject().put("type", "send").put("room", "public:flood").put("clientMsgId", "f" + sent)
          .put("body", "spam " + sent));
    }
    assertThat(flooder.awaitClose(Duration.ofSeconds(10))).isEqualTo((short) 4005);
    JsonObject limited = flooder.frames().stream().filter(f -> "rate_limited".equals(f.getString("code"))).findFirst()
        .orElseThrow();
    assertThat(limited.getBoolean("temporary")).isTrue();
    assertThat(limited.getLong("retryAfterMs")).isPositive();
    Thread.sleep(500); // let the sends that passed commit
    JsonObject stored = new JsonObject(history("public:flood", floodToken).body());
    assertThat(stored.getJsonArray("messages").size()).as("the send burst (50) and its refill pass, the rest of %s not", sent)
        .isBetween(1, 100);
  }
}
