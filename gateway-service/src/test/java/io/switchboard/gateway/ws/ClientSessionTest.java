package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.CloseCode;
import io.switchboard.gateway.auth.AuthOptions;
import io.switchboard.gateway.auth.RoomPolicy;
import io.switchboard.gateway.auth.TestKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A connection's rules, as a client meets them: authentication, room permissions, limits and the join edge cases. */
class ClientSessionTest {

  private static final TestKeys KEYS = TestKeys.generate();

  private SessionHarness h;

  @AfterEach
  void tearDown() {
    if (h != null) {
      h.close();
    }
  }

  private static AuthOptions jwt(int clockSkewSeconds) {
    return new AuthOptions(true, List.of(KEYS.ecPublicPem()), List.of(), null, null, List.of(), clockSkewSeconds, true,
        "rooms", RoomPolicy.defaults());
  }

  private static String token(String user, long ttlSeconds, JsonObject rooms) {
    JsonObject claims = TestKeys.claims(user, ttlSeconds);
    if (rooms != null) {
      claims.put("rooms", rooms);
    }
    return KEYS.es256(claims);
  }

  private static JsonObject frame(String type) {
    return new JsonObject().put("type", type);
  }

  @Test
  void onlyHelloAndPingPassBeforeWelcomeAndWelcomeFreesTheUnauthenticatedSlot() {
    h = SessionHarness.devTokens(Map.of());
    SessionHarness.Client c = h.open();
    assertThat(h.admission.unauthenticated()).isEqualTo(1);
    assertThat(c.join("public:lobby").getString("code")).isEqualTo("not_authenticated");
    assertThat(c.request(frame("ping")).getString("type")).isEqualTo("pong");
    JsonObject welcome = c.request(frame("hello").put("token", "dev:ann"));
    assertThat(welcome.getString("user")).isEqualTo("ann");
    assertThat(welcome.containsKey("expiresAt")).as("a development token does not expire").isFalse();
    assertThat(h.admission.unauthenticated()).isZero();
    assertThat(c.request(frame("hello").put("token", "dev:ann")).getString("code")).isEqualTo("already_authenticated");
  }

  @Test
  void aRejectedTokenIsAnsweredThenTheConnectionIsClosedWith4500() {
    h = new SessionHarness(Map.of(), jwt(10));
    SessionHarness.Client c = h.open();
    JsonObject error = c.request(frame("hello").put("token", TestKeys.unsigned(TestKeys.claims("ann", 60))));
    assertThat(error.getString("code")).isEqualTo("invalid_token");
    assertThat(error.getBoolean("temporary")).isFalse();
    assertThat(c.socket.closedWith).isEqualTo(CloseCode.INVALID_TOKEN);
    assertThat(h.admission.unauthenticated()).as("the slot is released on close").isZero();
  }

  @Test
  void privateRoomsNeedAGrantAndARefusedRequestConsumesNoSeq() {
    h = new SessionHarness(Map.of(), jwt(10));
    SessionHarness.Client member = h.hello(token("mia", 600, new JsonObject().put("private:team-*", "all")));
    SessionHarness.Client stranger = h.hello(token("sam", 600, new JsonObject().put("private:other", "all")));

    assertThat(member.join("private:team-1").getString("type")).isEqualTo("joined");
    assertThat(member.send("private:team-1", "m1", "hi").getLong("seq")).isEqualTo(1L);

    for (JsonObject refused : List.of(stranger.join("private:team-1"),
        stranger.request(frame("presence").put("room", "private:team-1")))) {
      assertThat(refused.getString("code")).isEqualTo("forbidden");
      assertThat(refused.getBoolean("temporary")).isFalse();
    }
    assertThat(stranger.send("private:team-1", "s1", "let me in").getString("code"))
        .as("a refused join leaves nothing to send to").isEqualTo("not_joined");
    assertThat(h.rooms.sends.get("private:team-1")).as("only the member's message reached the room").isEqualTo(1);
    assertThat(h.history.state("private:team-1").result().top()).isEqualTo(1L);
  }

  @Test
  void aUserRoomBelongsToItsUserAndPublicRoomsToEveryone() {
    h = SessionHarness.devTokens(Map.of());
    SessionHarness.Client alice = h.hello("dev:alice");
    SessionHarness.Client bob = h.hello("dev:bob");
    assertThat(alice.join("user:alice").getString("type")).isEqualTo("joined");
    assertThat(bob.join("user:alice").getString("code")).isEqualTo("forbidden");
    assertThat(bob.join("user:alic").getString("code")).isEqualTo("forbidden");
    assertThat(bob.join("user:bob").getString("type")).isEqualTo("joined");
    assertThat(bob.join("lobby").getString("code")).as("rooms without a namespace need a grant").isEqualTo("forbidden");
    assertThat(bob.join("public:lobby").getString("type")).isEqualTo("joined");
    assertThat(alice.request(frame("presence").put("room", "public:lobby")).getString("type")).isEqualTo("presence");
  }

  @Test
  void aNamespaceCanLetEveryoneReadButNobodyWrite() {
    AuthOptions auth = new AuthOptions(true, List.of(), List.of(), null, null, List.of(), 10, true, "rooms",
        RoomPolicy.from(new JsonArray().add(new JsonObject().put("namespace", "news").put("join", "any").put("send", "none"))));
    h = new SessionHarness(Map.of(), auth);
    SessionHarness.Client reader = h.hello("dev:reader");
    assertThat(reader.join("news:today").getString("type")).isEqualTo("joined");
    assertThat(reader.send("news:today", "n1", "spam").getString("code")).isEqualTo("forbidden");
    assertThat(h.rooms.sends).doesNotContainKey("news:today");
  }

  @Test
  void refreshReplacesTheTokenOfALiveConnectionAndDropsRoomsItNoLongerGrants() {
    h = new SessionHarness(Map.of(), jwt(10));
    SessionHarness.Client c = h.hello(token("rita", 60, new JsonObject().put("private:a", "all").put("private:b", "all")));
    long firstExpiry = c.socket.ofType("welcome").get(0).getLong("expiresAt");
    c.join("private:a");
    c.join("private:b");

    JsonObject refreshed = c.request(frame("refresh").put("token", token("rita", 3600, new JsonObject().put("private:a", "all"))));
    assertThat(refreshed.getString("type")).isEqualTo("refreshed");
    assertThat(refreshed.getLong("expiresAt")).isGreaterThan(firstExpiry + 3_000_000);
    JsonObject revoked = c.socket.last(f -> "forbidden".equals(f.getString("code")));
    assertThat(revoked.getString("room")).isEqualTo("private:b");
    assertThat(c.session.rooms()).containsExactly("private:a");
    assertThat(c.send("private:b", "x", "still there?").getString("code")).isEqualTo("not_joined");

    JsonObject someoneElse = c.request(frame("refresh").put("token", token("mallory", 3600, null)));
    assertThat(someoneElse.getString("code")).isEqualTo("invalid_token");
    JsonObject expired = c.request(frame("refresh").put("token", token("rita", -120, null)));
    assertThat(expired.getString("code")).isEqualTo("invalid_token");
    assertThat(c.socket.closedWith).as("a refused refresh keeps the connection").isNull();
    assertThat(c.send("private:a", "y", "still here").getString("type")).isEqualTo("ack");
  }

  @Test
  void aConnectionWhoseTokenExpiresIsClosedWith4004() throws Exception {
    h = new SessionHarness(Map.of(), jwt(0));
    SessionHarness.Client c = h.hello(token("eve", 2, null));
    long deadline = System.currentTimeMillis() + 6000;
    while (c.socket.closedWith == null && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(c.socket.closedWith).isEqualTo(CloseCode.TOKEN_EXPIRED);
    assertThat(CloseCode.TOKEN_EXPIRED.reconnect()).isTrue();
  }

  @Test
  void aFloodOfFramesIsRefusedWithRetryAfterThenClosedWith4005() {
    h = SessionHarness.devTokens(Map.of("gateway.frameBurst", "5", "gateway.frameRate", "2", "gateway.maxRateLimitStrikes", "3"));
    SessionHarness.Client c = h.open();
    for (int i = 0; i < 5; i++) {
      assertThat(c.request(frame("ping")).getString("type")).isEqualTo("pong");
    }
    JsonObject limited = c.request(frame("ping"));
    assertThat(limited.getString("code")).isEqualTo("rate_limited");
    assertThat(limited.getBoolean("temporary")).isTrue();
    assertThat(limited.getLong("retryAfterMs")).isBetween(1L, 501L);
    h.bucketNanos.addAndGet(500_000_000L);
    assertThat(c.request(frame("ping")).getString("type")).as("after waiting retryAfterMs").isEqualTo("pong");
    for (int i = 0; i < 3; i++) {
      c.sendRaw(frame("ping").encode());
    }
    assertThat(c.socket.closedWith).isEqualTo(CloseCode.RATE_LIMITED);
  }

  @Test
  void sendsRefusedByTheUsersBucketAreStrikesEvenWithinTheFrameRate() {
    h = SessionHarness.devTokens(Map.of("gateway.sendBurst", "2", "gateway.sendRate", "1", "gateway.maxRateLimitStrikes", "5"));
    SessionHarness.Client c = h.hello("dev:hammer");
    c.join("public:h");
    for (int i = 0; i < 20 && c.socket.closedWith == null; i++) {
      c.sendRaw(frame("send").put("room", "public:h").put("clientMsgId", "h" + i).put("body", "x").encode());
    }
    assertThat(c.socket.closedWith).as("2 sends pass, 5 refused in a row close it").isEqualTo(CloseCode.RATE_LIMITED);
    assertThat(c.socket.ofType("error")).hasSize(4);
  }

  @Test
  void aUsersSendsShareOneBucketAcrossItsConnections() {
    h = SessionHarness.devTokens(Map.of("gateway.sendBurst", "3", "gateway.sendRate", "1"));
    SessionHarness.Client a = h.hello("dev:sol");
    SessionHarness.Client b = h.hello("dev:sol");
    a.join("public:r");
    b.join("public:r");
    assertThat(a.send("public:r", "1", "x").getString("type")).isEqualTo("ack");
    assertThat(b.send("public:r", "2", "x").getString("type")).isEqualTo("ack");
    assertThat(a.send("public:r", "3", "x").getString("type")).isEqualTo("ack");
    JsonObject limited = b.send("public:r", "4", "x");
    assertThat(limited.getString("code")).isEqualTo("rate_limited");
    assertThat(limited.getString("clientMsgId")).isEqualTo("4");
    assertThat(h.history.state("public:r").result().top()).isEqualTo(3L);
    h.bucketNanos.addAndGet(1_000_000_000L);
    assertThat(b.send("public:r", "4", "x").getLong("seq")).as("the same clientMsgId, retried").isEqualTo(4L);
  }

  @Test
  void aUserOverItsConnectionCapIsRefusedWith4006UntilAConnectionCloses() {
    h = SessionHarness.devTokens(Map.of("gateway.maxConnectionsPerUser", "2"));
    SessionHarness.Client first = h.hello("dev:max");
    h.hello("dev:max");
    SessionHarness.Client third = h.open();
    JsonObject refused = third.request(frame("hello").put("token", "dev:max"));
    assertThat(refused.getString("code")).isEqualTo("too_many_connections");
    assertThat(third.socket.closedWith).isEqualTo(CloseCode.TOO_MANY_CONNECTIONS);
    h.onContext(() -> {
      first.session.close(CloseCode.NORMAL);
      return null;
    });
    assertThat(h.admission.connections("max")).isEqualTo(1);
    h.hello("dev:max");
  }

  @Test
  void bodiesOverADepthSizeOrStringLimitAndControlCharactersInIdsAreRefusedBeforeQueueing() {
    h = SessionHarness.devTokens(Map.of());
    SessionHarness.Client c = h.hello("dev:bo");
    c.join("public:limits");
    Object deep = "leaf";
    for (int i = 0; i < 17; i++) {
      deep = new JsonArray().add(deep);
    }
    assertThat(c.send("public:limits", "d", deep).getString("code")).isEqualTo("too_large");
    assertThat(c.send("public:limits", "s", new JsonObject().put("text", "x".repeat(4097))).getString("code")).isEqualTo("too_large");
    JsonArray wide = new JsonArray();
    for (int i = 0; i < 100; i++) {
      wide.add("y".repeat(100));
    }
    assertThat(c.send("public:limits", "w", wide).getString("code")).as("10 KB of JSON").isEqualTo("too_large");
    assertThat(c.send("public:limits", "nul\u0000id", "x").getString("code")).isEqualTo("bad_request");
    assertThat(h.rooms.sends).doesNotContainKey("public:limits");
    Object ok = "leaf";
    for (int i = 0; i < 16; i++) {
      ok = new JsonObject().put("k", ok);
    }
    assertThat(c.send("public:limits", "ok", ok).getLong("seq")).as("16 levels is the limit").isEqualTo(1L);
  }

  @Test
  void aJoinOvertakenByALeaveIsAnsweredNotJoinedNotInternal() {
    h = SessionHarness.devTokens(Map.of());
    SessionHarness.Client c = h.hello("dev:racer");
    h.onContext(() -> {
      c.session.onText(frame("join").put("room", "public:race").put("ref", "j1").encode());
      c.session.onText(frame("join").put("room", "public:race").put("ref", "j2").encode());
      c.session.onText(frame("leave").put("room", "public:race").put("ref", "l1").encode());
      return null;
    });
    assertThat(c.socket.last(f -> "l1".equals(f.getString("ref"))).getString("type")).isEqualTo("left");
    assertThat(c.socket.last(f -> "j1".equals(f.getString("ref"))).getString("code")).isEqualTo("not_joined");
    assertThat(c.socket.last(f -> "j2".equals(f.getString("ref"))).getString("code")).isEqualTo("not_joined");
    assertThat(c.socket.frames).noneMatch(f -> "internal".equals(f.getString("code")));
    assertThat(c.join("public:race").getString("type")).as("and the room can be joined again").isEqualTo("joined");
  }

  @Test
  void aJoinSinceAPositionAboveTheRoomsTopSaysSoAndContinuesLive() {
    h = SessionHarness.devTokens(Map.of());
    SessionHarness.Client writer = h.hello("dev:w");
    writer.join("public:ahead");
    for (int i = 1; i <= 3; i++) {
      writer.send("public:ahead", "m" + i, i);
    }
    SessionHarness.Client c = h.hello("dev:r");
    JsonObject joined = c.request(frame("join").put("room", "public:ahead")
        .put("since", new JsonObject().put("seq", 100).put("epoch", writer.socket.ofType("joined").get(0).getString("epoch"))));
    assertThat(joined.getBoolean("recovering")).isTrue();
    JsonObject recovered = c.socket.last(f -> "recovered".equals(f.getString("type")));
    assertThat(recovered.getBoolean("recovered")).isFalse();
    assertThat(recovered.getLong("seq")).isEqualTo(3L);
    assertThat(recovered.containsKey("missing")).isFalse();
    writer.send("public:ahead", "m4", 4);
    h.settle();
    assertThat(c.socket.ofType("message").stream().map(m -> m.getLong("seq")).toList()).containsExactly(4L);
  }

  @Test
  void sinceMustBeAnIntegerAJavaScriptClientCanHold() {
    h = SessionHarness.devTokens(Map.of());
    SessionHarness.Client c = h.hello("dev:s");
    for (Object seq : new Object[] {1L << 53, Long.MAX_VALUE, 1.5, -1, "7"}) {
      JsonObject reply = c.request(frame("join").put("room", "public:s").put("since", new JsonObject().put("seq", seq)));
      assertThat(reply.getString("code")).as("since.seq %s", seq).isEqualTo("bad_request");
    }
  }
}
