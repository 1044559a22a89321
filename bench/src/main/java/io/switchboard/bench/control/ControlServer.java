package io.switchboard.bench.control;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark control: a minimal single-process Vert.x WebSocket broadcast server speaking the
 * subset of protocol v1 the load generator uses (hello, join, send with ack, message, ping). No
 * cluster, no persistence, no recovery: what a bare broadcast costs on this machine, the yardstick
 * for Switchboard's CPU per delivery.
 *
 * <pre>java -cp bench/target/bench.jar io.switchboard.bench.control.ControlServer --port 8090</pre>
 */
public final class ControlServer extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final int port;
  private final Map<String, Set<ServerWebSocket>> rooms = new HashMap<>();
  private final Map<String, Long> seqs = new HashMap<>();

  public ControlServer(int port) {
    this.port = port;
  }

  public static void main(String[] argv) {
    int port = Integer.parseInt(new io.switchboard.bench.Args(argv).string("port", "8090"));
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new ControlServer(port)).await();
    log.info("control server listening on ws://127.0.0.1:{}/ws/v1", port);
  }

  @Override
  public Future<?> start() {
    // The same server tuning as the gateway (strict thread mode: no per-connection outbound queue).
    return vertx.createHttpServer(new HttpServerOptions().setStrictThreadMode(true)
        // Like Switchboard and the ws and Socket.IO servers by default: no WebSocket compression.
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)).webSocketHandler(this::serve).listen(port);
  }

  private void serve(ServerWebSocket ws) {
    Set<String> joined = new LinkedHashSet<>();
    String[] user = {null};
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      String ref = f.getString("ref");
      switch (f.getString("type", "")) {
        case "hello" -> {
          user[0] = f.getString("token", "dev:anon").substring(4);
          reply(ws, new JsonObject().put("type", "welcome").put("version", 1).put("user", user[0]), ref);
        }
        case "join" -> {
          String room = f.getString("room");
          rooms.computeIfAbsent(room, r -> new LinkedHashSet<>()).add(ws);
          joined.add(room);
          reply(ws, new JsonObject().put("type", "joined").put("room", room).put("seq", seqs.getOrDefault(room, 0L))
              .put("epoch", "control"), ref);
        }
        case "send" -> {
          String room = f.getString("room");
          long seq = seqs.merge(room, 1L, Long::sum);
          reply(ws, new JsonObject().put("type", "ack").put("room", room).put("clientMsgId", f.getString("clientMsgId"))
              .put("seq", seq), ref);
          String message = new JsonObject().put("type", "message").put("room", room).put("seq", seq)
              .put("sender", user[0]).put("clientMsgId", f.getString("clientMsgId")).put("body", f.getValue("body"))
              .put("ts", System.currentTimeMillis()).encode();
          for (ServerWebSocket member : rooms.getOrDefault(room, Set.of())) {
            member.writeTextMessage(message);
          }
        }
        case "ping" -> reply(ws, new JsonObject().put("type", "pong"), ref);
        default -> reply(ws, new JsonObject().put("type", "error").put("code", "unknown_type"), ref);
      }
    });
    ws.closeHandler(v -> joined.forEach(room -> rooms.getOrDefault(room, Set.of()).remove(ws)));
  }

  private static void reply(ServerWebSocket ws, JsonObject frame, String ref) {
    if (ref != null) {
      frame.put("ref", ref);
    }
    ws.writeTextMessage(frame.encode());
  }
}
