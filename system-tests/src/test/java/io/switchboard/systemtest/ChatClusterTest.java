package io.switchboard.systemtest;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The foundation's promises, checked on a real cluster of separate JVM processes: 2 gateways,
 * 2 room services, 1 presence, 1 history, joined over Hazelcast on loopback.
 */
class ChatClusterTest extends ClusterTestBase {

  private static String gw(int i) {
    return cluster.gateway(i).wsUrl();
  }

  @Test
  void twentyConcurrentSendersOnTwoGatewaysYieldOneGapFreeOrderEveryReceiverSees() throws Exception {
    String room = "concurrent";
    int senders = 20;
    int perSender = 25;
    List<ChatClient> receivers = List.of(
        ChatClient.connect(vertx, gw(0), "receiver-a"),
        ChatClient.connect(vertx, gw(0), "receiver-b"),
        ChatClient.connect(vertx, gw(1), "receiver-c"));
    for (ChatClient r : receivers) {
      assertThat(r.join(room).getLong("seq")).isZero();
    }
    List<ChatClient> clients = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      ChatClient c = ChatClient.connect(vertx, gw(i % 2), "sender-" + i);
      c.join(room);
      clients.add(c);
    }

    ExecutorService pool = Executors.newFixedThreadPool(senders);
    List<Future<Map<String, Long>>> results = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      ChatClient c = clients.get(i);
      List<String> ids = IntStream.range(0, perSender).mapToObj(n -> "s" + clients.indexOf(c) + "-" + n).toList();
      results.add(pool.submit(() -> c.sendAll(room, ids, Duration.ofSeconds(60))));
    }
    Map<String, Long> acks = new HashMap<>();
    for (int i = 0; i < senders; i++) {
      String user = "sender-" + i;
      results.get(i).get().forEach((id, seq) -> acks.put(user + "/" + id, seq));
    }
    pool.shutdown();

    int n = senders * perSender;
    assertThat(acks.values()).as("every ack seq is distinct and within 1..N")
        .doesNotHaveDuplicates().allMatch(s -> s >= 1 && s <= n);

    List<Long> expected = LongStream.rangeClosed(1, n).boxed().toList();
    List<JsonObject> reference = receivers.get(0).awaitMessages(room, n, Duration.ofSeconds(30));
    for (ChatClient r : receivers) {
      List<JsonObject> got = r.awaitMessages(room, n, Duration.ofSeconds(30));
      assertThat(got.stream().map(m -> m.getLong("seq")).toList()).as("seqs seen by a receiver").isEqualTo(expected);
      assertThat(got).as("identical messages at every seq on every receiver").isEqualTo(reference);
    }
    Map<String, Long> seenSeqByKey = new HashMap<>();
    reference.forEach(m -> seenSeqByKey.put(m.getString("sender") + "/" + m.getString("clientMsgId"), m.getLong("seq")));
    assertThat(seenSeqByKey).as("each sender's ack seq is the seq receivers saw").isEqualTo(acks);

    receivers.forEach(ChatClient::close);
    clients.forEach(ChatClient::close);
  }

  @Test
  void clientThatMissedFiveHundredMessagesRecoversExactlyThoseThenLiveOnes() throws Exception {
    String room = "recovery";
    ChatClient sender = ChatClient.connect(vertx, gw(0), "talker");
    sender.join(room);
    sender.sendAll(room, ids("warmup", 10), Duration.ofSeconds(30));

    ChatClient away = ChatClient.connect(vertx, gw(1), "sleeper");
    JsonObject joined = away.join(room);
    String epoch = joined.getString("epoch");
    sender.sendAll(room, ids("before", 5), Duration.ofSeconds(30));
    List<JsonObject> seenBefore = away.awaitMessages(room, 5, Duration.ofSeconds(10));
    long lastSeen = seenBefore.get(seenBefore.size() - 1).getLong("seq");
    away.close();

    Map<String, Long> missed = sender.sendAll(room, ids("missed", 500), Duration.ofSeconds(60));

    // Rejoin through the other gateway with the position it had.
    ChatClient back = ChatClient.connect(vertx, gw(0), "sleeper");
    JsonObject rejoined = back.joinSince(room, lastSeen, epoch);
    assertThat(rejoined.getBoolean("recovering")).isTrue();
    List<JsonObject> replay = back.awaitMessages(room, 500, Duration.ofSeconds(30));
    JsonObject recovered = back.await(f -> "recovered".equals(f.getString("type")), Duration.ofSeconds(10));
    Map<String, Long> live = sender.sendAll(room, ids("live", 3), Duration.ofSeconds(30));
    List<JsonObject> all = back.awaitMessages(room, 503, Duration.ofSeconds(10));

    assertThat(replay.subList(0, 500).stream().map(m -> m.getLong("seq")).toList())
        .as("exactly the missed seqs, in order")
        .isEqualTo(LongStream.rangeClosed(lastSeen + 1, lastSeen + 500).boxed().toList());
    assertThat(replay.subList(0, 500).stream().map(m -> m.getString("clientMsgId")).toList())
        .containsExactlyElementsOf(missed.keySet());
    assertThat(recovered.getBoolean("recovered")).isTrue();
    assertThat(recovered.getLong("seq")).isEqualTo(lastSeen + 500);
    assertThat(all.stream().map(m -> m.getLong("seq")).toList())
        .as("then the live ones, no gap, no duplicate")
        .isEqualTo(LongStream.rangeClosed(lastSeen + 1, lastSeen + 503).boxed().toList());
    assertThat(all.subList(500, 503).stream().map(m -> m.getLong("seq")).toList())
        .containsExactlyElementsOf(live.values());
    List<JsonObject> frames = back.frames();
    int markerAt = frames.indexOf(recovered);
    assertThat(frames.subList(0, markerAt).stream().filter(f -> "message".equals(f.getString("type"))).count())
        .as("the recovered marker comes after the replay and before live messages").isEqualTo(500);

    sender.close();
    back.close();
  }

  @Test
  void badInputGetsDocumentedErrorsAndTheConnectionStaysUsable() throws Exception {
    ChatClient c = ChatClient.connect(vertx, gw(1), "fuzzer");
    c.join("errors");

    c.sendRaw("{this is not json");
    assertThat(c.await(f -> "malformed_json".equals(f.getString("code")), Duration.ofSeconds(5))
        .getBoolean("temporary")).isFalse();
    c.sendRaw("[1,2,3]");
    c.await(f -> "malformed_json".equals(f.getString("code")) && c.frames().stream()
        .filter(x -> "malformed_json".equals(x.getString("code"))).count() == 2, Duration.ofSeconds(5));

    JsonObject unknown = c.request(new JsonObject().put("type", "teleport"));
    assertThat(unknown.getString("type")).isEqualTo("error");
    assertThat(unknown.getString("code")).isEqualTo("unknown_type");

    JsonObject notJoined = c.request(new JsonObject().put("type", "send").put("room", "elsewhere")
        .put("clientMsgId", "x1").put("body", "hello?"));
    assertThat(notJoined.getString("code")).isEqualTo("not_joined");

    JsonObject badRoom = c.request(new JsonObject().put("type", "join").put("room", "no spaces allowed"));
    assertThat(badRoom.getString("code")).isEqualTo("bad_request");

    JsonObject noBody = c.request(new JsonObject().put("type", "send").put("room", "errors").put("clientMsgId", "x2"));
    assertThat(noBody.getString("code")).isEqualTo("bad_request");

    JsonObject tooLarge = c.request(new JsonObject().put("type", "send").put("room", "errors")
        .put("clientMsgId", "x3").put("body", "x".repeat(20_000)));
    assertThat(tooLarge.getString("code")).isEqualTo("too_large");

    c.sendRaw("");
    assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isEqualTo("pong");

    JsonObject ack = c.request(new JsonObject().put("type", "send").put("room", "errors")
        .put("clientMsgId", "ok-1").put("body", "still here"));
    assertThat(ack.getString("type")).isEqualTo("ack");
    assertThat(ack.getLong("seq")).isEqualTo(1L);
    assertThat(c.isOpen()).isTrue();
    c.close();
  }

  @Test
  void framesBeforeHelloAreRefusedAndABadTokenClosesTheConnection() throws Exception {
    ChatClient anonymous = ChatClient.open(vertx, gw(0));
    JsonObject refused = anonymous.request(new JsonObject().put("type", "join").put("room", "lobby"));
    assertThat(refused.getString("code")).isEqualTo("not_authenticated");
    JsonObject rejected = anonymous.request(new JsonObject().put("type", "hello").put("token", "not-a-token"));
    assertThat(rejected.getString("code")).isEqualTo("invalid_token");
    long deadline = System.currentTimeMillis() + 5000;
    while (anonymous.isOpen() && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(anonymous.isOpen()).as("closed with 4500 after a rejected token").isFalse();
  }

  @Test
  void aSendRetriedWithTheSameClientMsgIdCreatesOneMessage() throws Exception {
    String room = "idempotent";
    ChatClient first = ChatClient.connect(vertx, gw(0), "retrier");
    first.join(room);
    long seq = first.sendAll(room, List.of("same-id"), Duration.ofSeconds(10)).get("same-id");
    first.close();
    ChatClient second = ChatClient.connect(vertx, gw(1), "retrier");
    second.join(room);
    for (int i = 0; i < 3; i++) {
      JsonObject ack = second.request(new JsonObject().put("type", "send").put("room", room)
          .put("clientMsgId", "same-id").put("body", "again"));
      assertThat(ack.getLong("seq")).isEqualTo(seq);
    }
    long next = second.sendAll(room, List.of("other-id"), Duration.ofSeconds(10)).get("other-id");
    assertThat(next).as("no seq was consumed by the retries").isEqualTo(seq + 1);
    second.close();
  }

  @Test
  void joiningARoomTwiceOnOneConnectionAnswersJoinedAgainAndReplaysNothing() throws Exception {
    String room = "rejoin";
    ChatClient c = ChatClient.connect(vertx, gw(0), "twice");
    c.send(new JsonObject().put("type", "join").put("room", room).put("ref", "first"));
    JsonObject concurrent = c.request(new JsonObject().put("type", "join").put("room", room));
    assertThat(concurrent.getString("type")).isEqualTo("joined");
    assertThat(concurrent.getString("epoch")).isNotBlank();
    c.sendAll(room, ids("r", 2), Duration.ofSeconds(10));
    c.awaitMessages(room, 2, Duration.ofSeconds(10));
    JsonObject again = c.request(new JsonObject().put("type", "join").put("room", room));
    assertThat(again.getLong("seq")).isEqualTo(2L);
    Thread.sleep(300);
    assertThat(c.messages(room)).hasSize(2);
    c.close();
  }

  @Test
  void presenceListsTheUsersOnlineInARoomAcrossGateways() throws Exception {
    String room = "presence";
    ChatClient ann = ChatClient.connect(vertx, gw(0), "ann");
    ChatClient ben = ChatClient.connect(vertx, gw(1), "ben");
    ann.join(room);
    ben.join(room);
    long deadline = System.currentTimeMillis() + 10_000;
    List<Object> users = List.of();
    while (System.currentTimeMillis() < deadline) {
      users = ann.request(new JsonObject().put("type", "presence").put("room", room)).getJsonArray("users").getList();
      if (users.size() == 2) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(users).containsExactlyInAnyOrder("ann", "ben");
    ann.close();
    ben.close();
  }

  /**
   * A person's view: two headless Chromium tabs, one per gateway, chat through the page the
   * gateway serves (e2e/chat-page.test.mjs). Needs node and Chromium; CI installs both and sets
   * SWITCHBOARD_REQUIRE_BROWSER_TEST=1 so that their absence fails instead of skipping.
   */
  @Test
  void twoBrowserTabsOnDifferentGatewaysChatThroughTheServedPage() throws Exception {
    E2e.requireTools(true);
    String output = E2e.npm("test", Map.of(
        "SWITCHBOARD_URL", "http://127.0.0.1:" + cluster.gateway(0).gatewayPort,
        "SWITCHBOARD_URL2", "http://127.0.0.1:" + cluster.gateway(1).gatewayPort,
        "CHROMIUM_PATH", System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium")),
        Path.of("target", "e2e-output.txt"));
    assertThat(output).contains("# pass 1");
  }

  /**
   * The benchmark load generator's smoke run against this cluster, so it cannot silently rot:
   * every send acknowledged, every member receives in order, the report has its fields. No
   * timing is asserted.
   */
  @Test
  void theLoadGeneratorSmokeRunSpeaksTheProtocolAndReportsItsMeasurements() throws Exception {
    Path out = Files.createTempFile("loadgen-smoke", ".jsonl");
    String pids = String.join(",", cluster.all(ClusterHarness.Kind.GATEWAY).stream()
        .map(p -> p.name + "=" + p.process.pid()).toList());
    io.switchboard.bench.load.LoadGen.main(new String[] {"--scenario", "smoke", "--urls", gw(0) + "," + gw(1),
        "--pids", pids, "--out", out.toString(), "--max-seconds", "120"});
    JsonObject result = new JsonObject(Files.readAllLines(out).get(0));
    assertThat(result.getString("scenario")).isEqualTo("smoke");
    assertThat(result.getLong("errors")).isZero();
    assertThat(result.getLong("gaps")).as("every member sees gap-free seqs").isZero();
    assertThat(result.getDouble("achievedSendRate")).isPositive();
    assertThat(result.getDouble("deliveriesPerSec")).isPositive();
    assertThat(result.getJsonObject("peakRssKiB").fieldNames()).containsExactlyInAnyOrder("gateway-1", "gateway-2");
    assertThat(result.fieldNames()).contains("p50ms", "p99ms", "p999ms", "maxMs", "cpuMicrosPerDelivery", "saturated");
  }

  private static List<String> ids(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
  }
}
