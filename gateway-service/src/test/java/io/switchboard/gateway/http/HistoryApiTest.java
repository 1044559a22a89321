package io.switchboard.gateway.http;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.switchboard.common.history.InMemoryMessageStore;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.gateway.auth.AuthOptions;
import io.switchboard.gateway.auth.RoomPolicy;
import io.switchboard.gateway.auth.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP history API as an application calls it, over a real HTTP server: the documented pages,
 * statuses and {@code {code, message, temporary}} bodies (docs/protocol.md, "HTTP history API").
 */
@ExtendWith(VertxExtension.class)
class HistoryApiTest {

  private static final String ROOM = "public:lobby";
  private static final String ALICE = "Bearer dev:alice";

  private final InMemoryMessageStore store = new InMemoryMessageStore();
  /** What the API reads from: the store unless a test makes the history service fail. */
  private HistoryReader history = store;
  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    AuthOptions auth = new AuthOptions(true, List.of(), List.of(), null, null, List.of(), 10, true, "rooms",
        RoomPolicy.defaults());
    HistoryReader reader = new HistoryReader() {
      @Override
      public Future<HistoryPage> after(String room, long afterSeq, int limit) {
        return history.after(room, afterSeq, limit);
      }

      @Override
      public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
        return history.before(room, beforeSeq, limit);
      }
    };
    Router router = Router.router(vertx);
    router.get("/api/v1/rooms/:room/messages").handler(new HistoryApi(reader, Tokens.create(vertx, auth), auth.policy())::handle);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
    String epoch = store.state(ROOM).await().epoch();
    List<StoredMessage> batch = new ArrayList<>();
    for (long seq = 1; seq <= 120; seq++) {
      batch.add(new StoredMessage(ROOM, seq, "bob", "c" + seq, "m" + seq, seq));
    }
    store.append(ROOM, epoch, batch).await();
  }

  @AfterEach
  void stop() {
    client.close().await();
    server.close().await();
  }

  private record Reply(int status, String wwwAuthenticate, JsonObject body) {
    List<Long> seqs() {
      return body.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getLong("seq")).toList();
    }
  }

  private Reply get(String query, String authorization) {
    return get(ROOM, query, authorization);
  }

  private Reply get(String room, String query, String authorization) {
    return client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/api/v1/rooms/" + room + "/messages" + query)
        .compose(req -> {
          if (authorization != null) {
            req.putHeader("Authorization", authorization);
          }
          // The body handler is set in the callback that gets the response head: attached any later
          // (the test thread builds this chain), the body may have ended with nobody reading it.
          return req.send().compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(),
              resp.getHeader("WWW-Authenticate"), b.toJsonObject())));
        })
        .await();
  }

  private static void assertError(Reply r, int status, String code, boolean temporary) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.body().getString("code")).isEqualTo(code);
    assertThat(r.body().getString("message")).isNotBlank();
    assertThat(r.body().getBoolean("temporary")).isEqualTo(temporary);
  }

  @Test
  void withoutParametersTheNewestPageComesAscendingWithTheRoomsPosition() {
    Reply r = get("", ALICE);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.seqs()).hasSize(HistoryApi.DEFAULT_LIMIT).startsWith(71L).endsWith(120L);
    assertThat(r.body().getLong("top")).isEqualTo(120);
    assertThat(r.body().getLong("firstSeq")).isEqualTo(1);
    assertThat(r.body().getString("epoch")).isNotBlank();
    JsonObject first = r.body().getJsonArray("messages").getJsonObject(0);
    assertThat(first.getString("type")).isEqualTo("message");
    assertThat(first.getString("body")).isEqualTo("m71");
  }

  @Test
  void beforeAndAfterPageBackwardsAndForwards() {
    assertThat(get("?before=11&limit=5", ALICE).seqs()).containsExactly(6L, 7L, 8L, 9L, 10L);
    assertThat(get("?after=117", ALICE).seqs()).containsExactly(118L, 119L, 120L);
    assertThat(get("?after=120", ALICE).seqs()).isEmpty();
  }

  @Test
  void aLimitAboveTheMaximumIsCappedNotRefused() {
    store.append(ROOM, store.state(ROOM).await().epoch(), java.util.stream.LongStream.rangeClosed(121, 700)
        .mapToObj(seq -> new StoredMessage(ROOM, seq, "bob", "c" + seq, "m" + seq, seq)).toList()).await();

    assertThat(get("?after=0&limit=100000", ALICE).seqs()).hasSize(HistoryApi.MAX_LIMIT);
  }

  @Test
  void aMissingOrRejectedTokenIs401WithABearerChallenge() {
    Reply none = get("", null);
    assertError(none, 401, "invalid_token", false);
    assertThat(none.wwwAuthenticate()).isEqualTo("Bearer");

    assertError(get("", "Basic YWxpY2U6cGFzcw=="), 401, "invalid_token", false);
    Reply bad = get("", "Bearer dev:not a user");
    assertError(bad, 401, "invalid_token", false);
    assertThat(bad.body().getString("message")).startsWith("token rejected: ");
  }

  @Test
  void aRoomTheTokenDoesNotGrantIs403AndABadRoomIdIs400() {
    assertError(get("private:board", "", ALICE), 403, "forbidden", false);
    assertError(get("has%20space", "", ALICE), 400, "bad_request", false);
  }

  @Test
  void badParametersAre400WithTheReason() {
    assertError(get("?after=1&before=5", ALICE), 400, "bad_request", false);
    assertError(get("?after=-1", ALICE), 400, "bad_request", false);
    assertError(get("?before=0", ALICE), 400, "bad_request", false);
    assertError(get("?limit=0", ALICE), 400, "bad_request", false);
    Reply notANumber = get("?limit=ten", ALICE);
    assertError(notANumber, 400, "bad_request", false);
    assertThat(notANumber.body().getString("message")).contains("'limit'");
  }

  @Test
  void aHistoryServiceThatFailsIs503AndOneThatDoesNotAnswerIs504() {
    history = failing(new IllegalStateException("store closed"));
    assertError(get("", ALICE), 503, "unavailable", true);

    history = failing(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after waiting 3000(ms) for a reply"));
    assertError(get("?after=3", ALICE), 504, "timeout", true);

    history = failing(new ReplyException(ReplyFailure.NO_HANDLERS, "no history instance"));
    assertError(get("?before=3", ALICE), 503, "unavailable", true);
  }

  private static HistoryReader failing(Throwable cause) {
    return new HistoryReader() {
      @Override
      public Future<HistoryPage> after(String room, long afterSeq, int limit) {
        return Future.failedFuture(cause);
      }

      @Override
      public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
        return Future.failedFuture(cause);
      }
    };
  }
}
