package io.switchboard.systemtest;

import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A member frozen longer than the failure timeout (a long GC pause, a stalled VM, a network blip)
 * is declared dead, its rooms move to the others, and when it runs again Hazelcast merges it back
 * under a new member UUID. Every room must then take joins and sends again within seconds, with
 * nothing lost, duplicated or out of order. Each kind of member is frozen in a cluster of its own
 * (one subclass each): the faults are tested one at a time.
 */
abstract class PausedMemberTest extends ClusterTestBase {

  static final int ROOMS = 16;
  /** Far past the cluster's failure timeout (cluster.maxNoHeartbeatMs). */
  static final Duration PAUSE = Duration.ofSeconds(12);
  static final Duration WRITABLE_AFTER_MERGE = Duration.ofSeconds(15);

  /** What a test does while a process is frozen. */
  @FunctionalInterface
  interface WhileFrozen {
    void run() throws Exception;
  }

  /** When a member was frozen, let run again, and seen merged back ({@link System#nanoTime()}). */
  record Freeze(long frozenAt, long resumedAt, long mergedAt) {
  }

  /**
   * Freezes {@code p} (SIGSTOP) for {@link #PAUSE}, running {@code meanwhile} in that time, lets it
   * run again and waits until it has merged back into the cluster.
   */
  static Freeze freezeUntilMerged(ClusterHarness.Proc p, WhileFrozen meanwhile) throws Exception {
    cluster.pause(p);
    long frozenAt = System.nanoTime();
    meanwhile.run();
    Thread.sleep(Math.max(0, PAUSE.toMillis() - (System.nanoTime() - frozenAt) / 1_000_000));
    cluster.resume(p);
    long resumedAt = System.nanoTime();
    return new Freeze(frozenAt, resumedAt, cluster.awaitLog(p, "merged back into the cluster", Duration.ofSeconds(120)));
  }

  /** A client of {@code user} on the gateway at {@code url} that has joined every room. */
  static ChatClient joinedTo(List<String> rooms, String url, String user) throws Exception {
    ChatClient client = ChatClient.connect(vertx, url, user);
    for (String room : rooms) {
      client.join(room);
    }
    return client;
  }

  /** One message to each room, retried on temporary errors; records its ack as {@code poster/<id>}. */
  static void sendToEvery(ChatClient poster, List<String> rooms, String phase, Duration timeout,
                                  Map<String, Map<String, Long>> acks) throws Exception {
    for (String room : rooms) {
      String id = phase + "-" + room;
      long seq = poster.sendAll(room, List.of(id), timeout).get(id);
      acks.computeIfAbsent(room, r -> new HashMap<>()).put("poster/" + id, seq);
    }
  }

  /** Joins, retrying a refused join (a room briefly without an owner) until {@code deadline}. */
  static void joinBefore(ChatClient client, String room, long deadline) throws Exception {
    List<String> refusals = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      JsonObject reply = client.request(new JsonObject().put("type", "join").put("room", room));
      if ("joined".equals(reply.getString("type"))) {
        return;
      }
      refusals.add(reply.getString("code"));
      Thread.sleep(200);
    }
    throw new AssertionError("room " + room + " refused joins until the deadline: " + refusals);
  }
}
