package io.switchboard.systemtest;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A room's whole history by seq, read over the HTTP API as a client reads it: what the
 * {@link ReceiverAudit receivers' streams} are compared with.
 */
final class RoomHistory {

  private static final int PAGE = 500;
  /** Pages per room at most: bounds the read of a room that never ends. */
  private static final int MAX_PAGES = 200;

  private RoomHistory() {
  }

  static Map<Long, JsonObject> read(HttpClient http, String httpBase, String token, String room) throws Exception {
    Map<Long, JsonObject> bySeq = new TreeMap<>();
    long after = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(httpBase + "/api/v1/rooms/"
              + URLEncoder.encode(room, StandardCharsets.UTF_8) + "/messages?after=" + after + "&limit=" + PAGE))
          .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("history of " + room + ": " + r.statusCode() + " " + r.body());
      }
      var messages = new JsonObject(r.body()).getJsonArray("messages");
      if (messages.isEmpty()) {
        return bySeq;
      }
      for (Object m : messages) {
        JsonObject message = (JsonObject) m;
        after = message.getLong("seq");
        bySeq.put(after, message);
      }
    }
    throw new IllegalStateException(room + " has more than " + PAGE * MAX_PAGES + " messages");
  }
}
