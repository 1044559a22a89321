package io.switchboard.gateway.ws;

import io.github.bucket4j.TimeMeter;
import io.switchboard.common.bus.Addresses;
import io.switchboard.common.bus.PresenceProtocol;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.config.ConfigSource;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.log.LogLimiter;
import io.switchboard.common.protocol.CloseCode;
import io.switchboard.gateway.GatewayOptions;
import io.switchboard.gateway.auth.AuthOptions;
import io.switchboard.gateway.auth.RoomPolicy;
import io.switchboard.gateway.auth.Tokens;
import io.switchboard.gateway.edge.Admission;
import io.switchboard.gateway.presence.PresenceClient;
import io.switchboard.gateway.presence.PresenceReporter;
import io.switchboard.gateway.room.RoomClient;
import io.switchboard.gateway.room.RoomStreams;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Real sessions over fake sockets: everything a gateway instance has except the network. Room
 * requests go to an in-memory sequencer that commits to an in-memory history and fans out to the
 * instance's room streams, as a shard owner would; presence answers from a local consumer. Inputs
 * run on one Vert.x context, as on a gateway event loop; {@link #settle()} waits until the
 * follow-up tasks they scheduled have run.
 */
final class SessionHarness implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final Context context = vertx.getOrCreateContext();
  final InMemoryMessageStore history = new InMemoryMessageStore();
  final FakeRooms rooms = new FakeRooms();
  /** Time of the rate-limit buckets, moved by hand. */
  final AtomicLong bucketNanos = new AtomicLong();
  final Admission admission;
  final SessionContext ctx;
  final RoomStreams streams;

  SessionHarness(Map<String, String> settings, AuthOptions auth) {
    Map<String, String> env = new HashMap<>();
    settings.forEach((k, v) -> env.put(ConfigSource.envName(k), v));
    GatewayOptions options = GatewayOptions.from(new ConfigSource(new JsonObject(), env));
    admission = new Admission(options.edge(), new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return bucketNanos.get();
      }

      @Override
      public boolean isWallClockBased() {
        return false;
      }
    });
    streams = new RoomStreams(vertx, rooms, history, "test/0", options.historyPageSize(), options.maxHeldMessages());
    vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE_QUERY, m -> m.reply(PresenceProtocol.queryReply(List.of("someone"))));
    ctx = new SessionContext(vertx, options, Tokens.create(vertx, auth), auth.policy(), admission, rooms, streams, history,
        new PresenceClient(vertx.eventBus(), Duration.ofSeconds(2)), new PresenceReporter(vertx, "test/0",
        options.presenceInterval()), LogLimiter.perMinute(1000), System::currentTimeMillis);
  }

  /** Development tokens on, default room policies, the given gateway settings. */
  static SessionHarness devTokens(Map<String, String> settings) {
    return new SessionHarness(settings, new AuthOptions(true, List.of(), List.of(), null, null, List.of(), 10, true,
        "rooms", RoomPolicy.defaults()));
  }

  /** Opens a connection from 127.0.0.1 (taking an unauthenticated slot, as the edge does). */
  Client open() {
    return onContext(() -> {
      FakeSocket socket = new FakeSocket();
      if (!admission.admitUnauthenticated("127.0.0.1")) {
        throw new IllegalStateException("no unauthenticated slot");
      }
      ClientSession session = new ClientSession(socket, ctx, "127.0.0.1");
      socket.session = session;
      session.start();
      return new Client(socket, session);
    });
  }

  /** Opens a connection and says hello with {@code token}; fails unless welcomed. */
  Client hello(String token) {
    Client c = open();
    JsonObject reply = c.request(new JsonObject().put("type", "hello").put("token", token));
    if (!"welcome".equals(reply.getString("type"))) {
      throw new AssertionError("hello failed: " + reply);
    }
    return c;
  }

  <T> T onContext(java.util.concurrent.Callable<T> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> {
      try {
        result.complete(task.call());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    try {
      T value = result.get(10, TimeUnit.SECONDS);
      settle();
      return value;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets tasks that inputs scheduled on the context (and those they schedule) run. */
  void settle() {
    for (int i = 0; i < 5; i++) {
      CompletableFuture<Void> marker = new CompletableFuture<>();
      context.runOnContext(v -> marker.complete(null));
      marker.join();
    }
  }

  @Override
  public void close() {
    vertx.close().await();
  }

  /** One connection: what it sent is in order, what it got is recorded. */
  final class Client {
    final FakeSocket socket;
    final ClientSession session;
    private int refs;

    Client(FakeSocket socket, ClientSession session) {
      this.socket = socket;
      this.session = session;
    }

    void sendRaw(String text) {
      onContext(() -> {
        session.onText(text);
        return null;
      });
    }

    /** Sends {@code frame} with a fresh ref and returns the reply carrying it. */
    JsonObject request(JsonObject frame) {
      String ref = "t" + ++refs;
      sendRaw(frame.copy().put("ref", ref).encode());
      return socket.last(f -> ref.equals(f.getString("ref")));
    }

    JsonObject join(String room) {
      return request(new JsonObject().put("type", "join").put("room", room));
    }

    JsonObject send(String room, String clientMsgId, Object body) {
      return request(new JsonObject().put("type", "send").put("room", room).put("clientMsgId", clientMsgId).put("body", body));
    }
  }

  /** Records what a session writes; closing it reports the close back, like the WebSocket would. */
  final class FakeSocket implements ClientSocket {
    final List<JsonObject> frames = new ArrayList<>();
    ClientSession session;
    CloseCode closedWith;
    int pings;

    @Override
    public void write(String text) {
      if (closedWith != null) {
        throw new IllegalStateException("write after close: " + text);
      }
      frames.add(new JsonObject(text));
    }

    @Override
    public void ping() {
      pings++;
    }

    @Override
    public void close(CloseCode code) {
      if (closedWith == null) {
        closedWith = code;
        context.runOnContext(v -> session.onClosed());
      }
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public boolean isOpen() {
      return closedWith == null;
    }

    /** The last frame matching {@code match}; fails if there is none. */
    JsonObject last(Predicate<JsonObject> match) {
      for (int i = frames.size() - 1; i >= 0; i--) {
        if (match.test(frames.get(i))) {
          return frames.get(i);
        }
      }
      throw new AssertionError("no matching frame; got " + frames);
    }

    List<JsonObject> ofType(String type) {
      return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
    }
  }

  /**
   * An in-memory shard owner: sequences sends, commits them to {@link #history}, answers, then
   * fans the message out to the instance's streams.
   */
  final class FakeRooms implements RoomClient {
    final Map<String, Integer> sends = new HashMap<>();
    final Set<String> subscribed = new HashSet<>();

    @Override
    public String ownerOf(String room) {
      return "owner";
    }

    @Override
    public Future<Long> send(String room, String sender, String clientMsgId, Object body) {
      sends.merge(room, 1, Integer::sum);
      RoomState state = history.state(room).result();
      StoredMessage m = new StoredMessage(room, state.top() + 1, sender, clientMsgId, body, System.currentTimeMillis());
      AppendResult r = history.append(room, state.epoch(), List.of(m)).result();
      if (r instanceof AppendResult.Duplicates d) {
        return Future.succeededFuture(d.existingSeqs().get(0));
      }
      Promise<Long> acked = Promise.promise();
      acked.complete(m.seq());
      if (subscribed.contains(room)) {
        context.runOnContext(v -> streams.offer(RoomProtocol.delivery(room, state.epoch(), List.of(m))));
      }
      return acked.future();
    }

    /** Answers on a later event-loop task, as the event bus would, so joins can be overtaken. */
    @Override
    public Future<RoomState> subscribe(String room, String subscriber) {
      subscribed.add(room);
      Promise<RoomState> answer = Promise.promise();
      context.runOnContext(v -> answer.complete(history.state(room).result()));
      return answer.future();
    }

    @Override
    public void unsubscribe(String room, String subscriber) {
      subscribed.remove(room);
    }
  }
}
