package io.switchboard.systemtest;

import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.cluster.EventBusOptionsFactory;
import io.switchboard.common.shard.ShardMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Invariant 10 on a real cluster: a message the system cannot process fails alone. Its sender gets
 * a permanent error, the room goes on (the next send is acknowledged within a second), the
 * messages sent with it commit gap-free, and no log holds a stack trace for it.
 */
class PoisonMessageTest extends ClusterTestBase {

  private static ProbeNode backend;

  /** A node inside the cluster, standing in for a gateway that let a poison message through. */
  @BeforeAll
  static void joinAsABackend() throws Exception {
    backend = ProbeNode.start(cluster, "backend", (eb, options) -> EventBusOptionsFactory.configure(eb, options, Optional.empty()))
        .await();
  }

  @AfterAll
  static void leave() {
    if (backend != null) {
      backend.close();
    }
  }

  private static Map<String, Integer> logLengths() throws IOException {
    Map<String, Integer> lengths = new HashMap<>();
    for (ClusterHarness.Proc p : cluster.all(ClusterHarness.Kind.GATEWAY)) {
      lengths.put(p.log.toString(), Files.readAllLines(p.log).size());
    }
    for (ClusterHarness.Kind kind : List.of(ClusterHarness.Kind.ROOM, ClusterHarness.Kind.HISTORY)) {
      for (ClusterHarness.Proc p : cluster.all(kind)) {
        lengths.put(p.log.toString(), Files.readAllLines(p.log).size());
      }
    }
    return lengths;
  }

  /** Lines logged since {@code before} that belong to a stack trace. */
  private static List<String> stackTraceLinesSince(Map<String, Integer> before) throws IOException {
    List<String> hits = new ArrayList<>();
    for (Map.Entry<String, Integer> e : before.entrySet()) {
      List<String> lines = Files.readAllLines(java.nio.file.Path.of(e.getKey()));
      for (String line : lines.subList(Math.min(e.getValue(), lines.size()), lines.size())) {
        if (line.startsWith("\tat ") || line.matches("^(Caused by: )?[a-z][a-z0-9_.]*\\.[A-Za-z]*(Exception|Error)\\b.*")) {
          hits.add(e.getKey() + ": " + line);
        }
      }
    }
    return hits;
  }

  @Test
  void aBodyNestedAThousandDeepIsRefusedAloneAndTheNextSendIsAckedWithinASecond() throws Exception {
    Map<String, Integer> before = logLengths();
    String room = "poison-deep";
    ChatClient c = ChatClient.connect(vertx, gateways().get(0), "deep");
    c.join(room);
    c.sendAll(room, List.of("before"), java.time.Duration.ofSeconds(10));
    // Written by hand: a JSON library would refuse to encode it. 1,000 levels of arrays, in a
    // frame one level deeper, which the gateway's parser refuses (malformed_json); and 998 levels,
    // which parse and are refused by the body limit (too_large, with the frame's ref).
    c.sendRaw("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"deep-1000\",\"body\":"
        + "[".repeat(1000) + "]".repeat(1000) + "}");
    assertThat(c.await(f -> "malformed_json".equals(f.getString("code")), java.time.Duration.ofSeconds(5))
        .getBoolean("temporary")).isFalse();
    c.sendRaw("{\"type\":\"send\",\"room\":\"" + room + "\",\"clientMsgId\":\"deep-998\",\"ref\":\"deep\",\"body\":"
        + "[".repeat(998) + "]".repeat(998) + "}");
    JsonObject refused = c.await(f -> "deep".equals(f.getString("ref")), java.time.Duration.ofSeconds(5));
    assertThat(refused.getString("code")).isEqualTo("too_large");
    assertThat(refused.getBoolean("temporary")).isFalse();
    assertThat(refused.getString("clientMsgId")).isEqualTo("deep-998");
    long t0 = System.nanoTime();
    JsonObject next = c.request(new JsonObject().put("type", "send").put("room", room).put("clientMsgId", "after")
        .put("body", "fine"));
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to ack the next send").isLessThan(1000);
    assertThat(next.getLong("seq")).as("the refused message used no seq").isEqualTo(2L);
    c.close();
    assertThat(stackTraceLinesSince(before)).isEmpty();
  }

  @Test
  void aMessageTheStoreCannotHoldFailsAloneAndTheRestOfItsBatchCommitsGapFree() throws Exception {
    Map<String, Integer> before = logLengths();
    String room = "poison-batch";
    TreeSet<String> roomNodes = new TreeSet<>();
    for (ClusterHarness.Proc p : cluster.all(ClusterHarness.Kind.ROOM)) {
      roomNodes.add(p.nodeId());
    }
    String owner = new ShardMap(ShardMap.DEFAULT_SHARDS).owners(roomNodes).ownerOf(room);
    // Ten sends in one batch, as a gateway coalesces them; the fifth has a NUL in its clientMsgId,
    // which no store can hold (PostgreSQL refuses it in text; every store refuses it the same way).
    List<JsonObject> sends = IntStream.range(0, 10).mapToObj(i -> RoomProtocol.send(room, "backend",
        i == 4 ? "poison\u0000id" : "ok-" + i, new JsonObject().put("text", "message " + i))).toList();
    JsonObject reply = backend.vertx.eventBus().<JsonObject>request(Addresses.roomNode(owner), RoomProtocol.sendBatch(sends),
            new DeliveryOptions().setSendTimeout(10_000).addHeader(Addresses.OP, Addresses.RoomOps.SEND_BATCH))
        .await().body();
    JsonArray results = reply.getJsonArray("results");
    assertThat(results.getJsonObject(4).getInteger("failureCode")).as("the poison message fails, permanently")
        .isIn(BusError.UNPROCESSABLE.code(), BusError.BAD_REQUEST.code());
    List<Long> seqs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      if (i != 4) {
        seqs.add(results.getJsonObject(i).getLong("seq"));
      }
    }
    assertThat(seqs).as("the other nine commit, in order, gap-free").containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

    ChatClient c = ChatClient.connect(vertx, gateways().get(1), "after-poison");
    c.join(room);
    long t0 = System.nanoTime();
    assertThat(c.sendAll(room, List.of("next"), java.time.Duration.ofSeconds(5))).containsEntry("next", 10L);
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms to ack the next send").isLessThan(1000);
    c.close();
    assertRoomHoldsExactly(room, Map.of("backend/ok-0", 1L, "backend/ok-1", 2L, "backend/ok-2", 3L, "backend/ok-3", 4L,
        "backend/ok-5", 5L, "backend/ok-6", 6L, "backend/ok-7", 7L, "backend/ok-8", 8L, "backend/ok-9", 9L,
        "after-poison/next", 10L));
    assertThat(stackTraceLinesSince(before)).isEmpty();
  }
}
