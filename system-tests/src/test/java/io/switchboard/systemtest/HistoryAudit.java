package io.switchboard.systemtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Jepsen-style check of one room: its whole history read back over the HTTP API (as a client
 * would, not through the test's own bookkeeping) and compared with every ack the writers saw.
 *
 * @param room the room
 * @param stored how many messages the history holds
 * @param lost acknowledged messages the history does not hold
 * @param duplicated messages the history holds more than once
 * @param gaps seqs missing between 1 and the highest stored
 * @param divergent acknowledged messages stored at another seq than their ack named
 */
record HistoryAudit(String room, int stored, List<String> lost, List<String> duplicated, List<Long> gaps,
                    List<String> divergent) {

  private static final int PAGE = 500;

  boolean clean() {
    return lost.isEmpty() && duplicated.isEmpty() && gaps.isEmpty() && divergent.isEmpty();
  }

  /**
   * Reads the room from a gateway's HTTP API at {@code httpBase} with {@code token} and checks it
   * against {@code acked} ({@code sender/clientMsgId} to acknowledged seq).
   */
  static HistoryAudit of(HttpClient http, String httpBase, String token, String room, Map<String, Long> acked)
      throws Exception {
    List<JsonObject> messages = readAll(http, httpBase, token, room);
    Map<String, Long> storedAt = new HashMap<>();
    List<String> duplicated = new ArrayList<>();
    List<Long> gaps = new ArrayList<>();
    long expected = 1;
    for (JsonObject m : messages) {
      long seq = m.getLong("seq");
      for (; expected < seq; expected++) {
        gaps.add(expected);
      }
      expected = seq + 1;
      String key = m.getString("sender") + "/" + m.getString("clientMsgId");
      if (storedAt.put(key, seq) != null) {
        duplicated.add(key);
      }
    }
    List<String> lost = new ArrayList<>();
    List<String> divergent = new ArrayList<>();
    acked.forEach((key, seq) -> {
      Long at = storedAt.get(key);
      if (at == null) {
        lost.add(key + "@" + seq);
      } else if (!at.equals(seq)) {
        divergent.add(key + " acked " + seq + ", stored " + at);
      }
    });
    return new HistoryAudit(room, messages.size(), lost, duplicated, gaps, divergent);
  }

  private static List<JsonObject> readAll(HttpClient http, String httpBase, String token, String room) throws Exception {
    List<JsonObject> all = new ArrayList<>();
    long after = 0;
    while (true) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpBase + "/api/v1/rooms/"
              + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/messages?after=" + after + "&limit=" + PAGE))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("history of " + room + " after " + after + ": " + r.statusCode() + " " + r.body());
      }
      JsonArray page = new JsonObject(r.body()).getJsonArray("messages");
      if (page.isEmpty()) {
        return all;
      }
      page.forEach(m -> all.add((JsonObject) m));
      after = all.get(all.size() - 1).getLong("seq");
    }
  }
}
