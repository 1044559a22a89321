package io.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A minimal asynchronous protocol client for benchmarks: hello, join, pipelined sends with acks
 * as futures, and a hook for every other frame. All callbacks run on one event loop.
 */
public final class BenchClient {

  private final WebSocket ws;
  private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
  private Consumer<JsonObject> onFrame = f -> { };
  private int refs;

  private BenchClient(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      String ref = f.getString("ref");
      Promise<JsonObject> p = ref == null ? null : pending.remove(ref);
      if (p != null) {
        if ("error".equals(f.getString("type"))) {
          p.fail(f.getString("code") + ": " + f.getString("message"));
        } else {
          p.complete(f);
        }
      } else {
        onFrame.accept(f);
      }
    });
  }

  /**
   * Connects and says hello. The caller owns {@code client} and must keep a reference to it: Vert.x
   * 5 closes a client, and its connections, once the client object is garbage-collected.
   */
  public static Future<BenchClient> connect(WebSocketClient client, String url, String user) {
    URI uri = URI.create(url);
    return client.connect(new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getPath()))
        .map(BenchClient::new)
        .compose(c -> c.request(new JsonObject().put("type", "hello").put("token", "dev:" + user)).map(w -> c));
  }

  public void onFrame(Consumer<JsonObject> handler) {
    this.onFrame = handler;
  }

  public Future<JsonObject> request(JsonObject frame) {
    String ref = "b" + refs++;
    Promise<JsonObject> p = Promise.promise();
    pending.put(ref, p);
    ws.writeTextMessage(frame.put("ref", ref).encode());
    return p.future();
  }

  public Future<JsonObject> join(String room, JsonObject since) {
    JsonObject f = new JsonObject().put("type", "join").put("room", room);
    if (since != null) {
      f.put("since", since);
    }
    return request(f);
  }

  public Future<JsonObject> send(String room, String clientMsgId, Object body) {
    return request(new JsonObject().put("type", "send").put("room", room).put("clientMsgId", clientMsgId).put("body", body));
  }

  public Future<Void> close() {
    return ws.close();
  }
}
