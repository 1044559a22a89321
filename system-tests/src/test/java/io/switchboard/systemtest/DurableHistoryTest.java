package io.switchboard.systemtest;

import io.switchboard.common.shard.ShardMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history service as the durable source of truth, on a multi-process cluster with the embedded
 * store: processes killed with SIGKILL lose no acknowledged message, recovery is exact however
 * long the client was away, and what retention removed is reported exactly.
 */
@ClusterTestBase.ClusterEnv({
    "SWITCHBOARD_HISTORY_RETENTION=[{\"prefix\":\"trim:\",\"maxMessages\":100}]",
    "SWITCHBOARD_HISTORY_RETENTION_INTERVAL_MS=300"})
class DurableHistoryTest extends ClusterTestBase {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void noAcknowledgedMessageIsLostWhenTheHistoryServiceIsKilledAndRestarted() throws Exception {
    String room = "crash-history";
    String epochBefore = epochOf(room);
    Map<String, Long> acks;
    try (SteadySenders senders = new SteadySenders(vertx, gateways(), room, 4, Duration.ofMillis(5))) {
      Thread.sleep(1500);
      cluster.kill(cluster.all(ClusterHarness.Kind.HISTORY).get(0));
      Thread.sleep(1000);
      cluster.awaitReady(cluster.start(ClusterHarness.Kind.HISTORY));
      Thread.sleep(2000);
      acks = senders.stop();
    }
    assertRoomHoldsExactly(room, acks);
    assertThat(epochOf(room)).as("a restart of a durable store keeps the room's lineage").isEqualTo(epochBefore);
  }

  @Test
  void noAcknowledgedMessageIsLostWhenTheRoomsShardOwnerIsKilled() throws Exception {
    String room = "crash-owner";
    Map<String, Long> acks;
    try (SteadySenders senders = new SteadySenders(vertx, gateways(), room, 4, Duration.ofMillis(5))) {
      Thread.sleep(1500);
      cluster.kill(ownerOf(room));
      Thread.sleep(1000);
      cluster.awaitReady(cluster.start(ClusterHarness.Kind.ROOM));
      Thread.sleep(2000);
      acks = senders.stop();
    }
    assertRoomHoldsExactly(room, acks);
  }

  @Test
  void aClientAwayForTwentyThousandMessagesRecoversAllOfThemInOrder() throws Exception {
    String room = "long-away";
    ChatClient away = ChatClient.connect(vertx, gateways().get(1), "traveller");
    String epoch = away.join(room).getString("epoch");
    away.close();

    ChatClient sender = ChatClient.connect(vertx, gateways().get(0), "chatterbox");
    sender.join(room);
    for (int window = 0; window < 20; window++) {
      int w = window;
      sender.sendAll(room, IntStream.range(0, 1000).mapToObj(i -> "w" + w + "-" + i).toList(), Duration.ofSeconds(60));
    }

    ChatClient back = ChatClient.connect(vertx, gateways().get(1), "traveller");
    assertThat(back.joinSince(room, 0, epoch).getLong("seq")).isEqualTo(20_000L);
    List<JsonObject> replay = back.awaitMessages(room, 20_000, Duration.ofSeconds(60));
    JsonObject recovered = back.await(f -> "recovered".equals(f.getString("type")), Duration.ofSeconds(10));
    assertThat(replay.stream().map(m -> m.getLong("seq")).toList())
        .isEqualTo(LongStream.rangeClosed(1, 20_000).boxed().toList());
    assertThat(recovered.getBoolean("recovered")).isTrue();
    assertThat(recovered.containsKey("missing")).isFalse();
    sender.close();
    back.close();
  }

  @Test
  void whatRetentionRemovedIsReportedAsTheExactMissingRange() throws Exception {
    String room = "trim:old-news";
    ChatClient reader = ChatClient.connect(vertx, gateways().get(0), "reader");
    String epoch = reader.join(room).getString("epoch");
    ChatClient writer = ChatClient.connect(vertx, gateways().get(1), "writer");
    writer.join(room);
    writer.sendAll(room, IntStream.range(0, 10).mapToObj(i -> "early-" + i).toList(), Duration.ofSeconds(10));
    assertThat(reader.awaitMessages(room, 10, Duration.ofSeconds(10))).hasSize(10);
    reader.close();

    writer.sendAll(room, IntStream.range(0, 290).mapToObj(i -> "late-" + i).toList(), Duration.ofSeconds(30));
    long deadline = System.currentTimeMillis() + 15_000;
    while (page(room, "after=0&limit=1").getLong("firstSeq") != 201 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(page(room, "after=0&limit=1").getLong("firstSeq")).as("retention keeps the newest 100").isEqualTo(201);

    ChatClient back = ChatClient.connect(vertx, gateways().get(0), "reader");
    back.joinSince(room, 10, epoch);
    JsonObject recovered = back.await(f -> "recovered".equals(f.getString("type")), Duration.ofSeconds(10));
    assertThat(recovered.getBoolean("recovered")).isFalse();
    assertThat(recovered.getJsonArray("missing")).isEqualTo(new JsonArray().add(new JsonObject().put("from", 11).put("to", 200)));
    assertThat(back.messages(room).stream().map(m -> m.getLong("seq")).toList())
        .as("the retained part is still replayed, in order")
        .isEqualTo(LongStream.rangeClosed(201, 300).boxed().toList());
    writer.close();
    back.close();
  }

  @Test
  void aSendRetriedThreeTimesAcrossAReconnectToTheOtherGatewayIsStoredOnce() throws Exception {
    String room = "retry-once";
    ChatClient first = ChatClient.connect(vertx, gateways().get(0), "persistent");
    first.join(room);
    long seq = first.sendAll(room, List.of("only-once"), Duration.ofSeconds(10)).get("only-once");
    first.close();

    ChatClient second = ChatClient.connect(vertx, gateways().get(1), "persistent");
    second.join(room);
    List<Long> acks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      acks.add(second.request(new JsonObject().put("type", "send").put("room", room)
          .put("clientMsgId", "only-once").put("body", "retry " + i)).getLong("seq"));
    }
    assertThat(acks).containsOnly(seq);
    JsonArray stored = page(room, "after=0").getJsonArray("messages");
    assertThat(stored).hasSize(1);
    assertThat(stored.getJsonObject(0).getString("clientMsgId")).isEqualTo("only-once");
    second.close();
  }

  @Test
  void theHttpHistoryApiPagesBackwardsAndForwards() throws Exception {
    String room = "scroll";
    ChatClient c = ChatClient.connect(vertx, gateways().get(0), "scroller");
    c.join(room);
    c.sendAll(room, IntStream.range(1, 31).mapToObj(i -> "n" + i).toList(), Duration.ofSeconds(10));

    assertThat(seqs(page(room, "limit=10"))).as("newest page").isEqualTo(range(21, 30));
    assertThat(seqs(page(room, "before=21&limit=10"))).as("scrolling back").isEqualTo(range(11, 20));
    assertThat(seqs(page(room, "after=5&limit=3"))).as("forwards").isEqualTo(range(6, 8));
    assertThat(page(room, "limit=1").getLong("top")).isEqualTo(30);

    assertThat(get("/api/v1/rooms/" + room + "/messages", null).statusCode()).isEqualTo(401);
    HttpResponse<String> bad = get("/api/v1/rooms/" + room + "/messages?after=1&before=9", "dev:scroller");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getString("code")).isEqualTo("bad_request");
    assertThat(get("/api/v1/rooms/" + room + "/messages?limit=zero", "dev:scroller").statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/rooms/bad%20room/messages", "dev:scroller").statusCode()).isEqualTo(400);
    c.close();
  }

  // --- helpers -------------------------------------------------------------------------------

  private static ClusterHarness.Proc ownerOf(String room) throws Exception {
    Map<String, ClusterHarness.Proc> byNode = new HashMap<>();
    for (ClusterHarness.Proc p : cluster.all(ClusterHarness.Kind.ROOM)) {
      byNode.put(p.nodeId(), p);
    }
    return byNode.get(new ShardMap(ShardMap.DEFAULT_SHARDS).ownerOf(room, byNode.keySet()));
  }

  private String epochOf(String room) throws Exception {
    return page(room, "limit=1").getString("epoch");
  }

  private JsonObject page(String room, String query) throws Exception {
    HttpResponse<String> r = get("/api/v1/rooms/" + room + "/messages?" + query, "dev:auditor");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.gateway(0).gatewayPort + path))
        .timeout(Duration.ofSeconds(10));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<Long> seqs(JsonObject page) {
    return page.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
