package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property-based fuzzing of the frame decoder and the session state machine: any sequence of
 * frames — well-formed ones with hostile values, and mutations of them — gets only documented
 * frames and codes back, never an {@code internal} error, and leaves a connection that still
 * answers (or one closed with a documented code).
 */
class SessionFuzzTest {

  private static final Set<String> SERVER_FRAMES = Set.of("welcome", "refreshed", "joined", "recovered", "left", "ack",
      "message", "presence", "pong", "error");
  private static final Set<String> ERROR_CODES = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)
      .collect(Collectors.toSet());
  private static final List<String> ROOMS = List.of("public:a", "public:b", "private:x", "user:fuzz", "user:other",
      "bare", "news:z", "", "bad room", "x".repeat(129));

  private static SessionHarness h;

  @BeforeContainer
  static void start() {
    h = SessionHarness.devTokens(Map.of());
  }

  @AfterContainer
  static void stop() {
    h.close();
  }

  @Property(tries = 1000)
  @StatisticsReport(onFailureOnly = false)
  void anySequenceOfFramesGetsOnlyDocumentedAnswers(@ForAll("sessions") List<String> frames) {
    h.bucketNanos.addAndGet(60_000_000_000L); // a minute later: every rate-limit bucket is full again
    SessionHarness.Client c = h.open();
    for (String f : frames) {
      c.sendRaw(f);
    }
    h.settle();
    boolean welcomed = !c.socket.ofType("welcome").isEmpty();
    Statistics.label("welcomed").collect(welcomed);
    Statistics.label("acked").collect(!c.socket.ofType("ack").isEmpty());
    for (JsonObject reply : c.socket.frames) {
      assertThat(SERVER_FRAMES).as("frame type of %s", reply).contains(reply.getString("type"));
      if ("error".equals(reply.getString("type"))) {
        assertThat(reply.getString("code")).as("%s after %s", reply, frames).isNotEqualTo(ErrorCode.INTERNAL.wire());
        assertThat(ERROR_CODES).contains(reply.getString("code"));
        assertThat(reply.getValue("temporary")).isInstanceOf(Boolean.class);
      }
    }
    if (c.socket.closedWith == null) {
      assertThat(c.request(new JsonObject().put("type", "ping")).getString("type")).isIn("pong", "error");
      h.onContext(() -> {
        c.session.close(CloseCode.NORMAL);
        return null;
      });
    }
    Statistics.label("welcomed").coverage(check -> check.check(true).percentage(p -> p > 50));
    Statistics.label("acked").coverage(check -> check.check(true).percentage(p -> p > 15));
  }

  @Property(tries = 2000)
  void theDecoderThrowsNothingButProtocolErrors(@ForAll("frame") String text) {
    try {
      ClientFrame f = ClientFrame.parse(text);
      for (Runnable field : List.<Runnable>of(f::room, f::clientMsgId, f::body, f::token, f::since, f::clientMsgIdOrNull)) {
        try {
          field.run();
        } catch (ProtocolException expected) {
          assertThat(expected.code()).isIn(ErrorCode.BAD_REQUEST, ErrorCode.TOO_LARGE);
        }
      }
    } catch (ProtocolException expected) {
      assertThat(expected.code()).isIn(ErrorCode.MALFORMED_JSON, ErrorCode.UNKNOWN_TYPE, ErrorCode.BAD_REQUEST);
    }
  }

  @Provide
  Arbitrary<List<String>> sessions() {
    Arbitrary<String> hello = Arbitraries.frequency(Tuple.of(8, "dev:fuzz"), Tuple.of(2, "dev:other"), Tuple.of(1, "dev:"),
            Tuple.of(1, "garbage"), Tuple.of(1, "dev:fuzz\u0000"), Tuple.of(1, "x.y.z"))
        .map(t -> new JsonObject().put("type", "hello").put("token", t).encode());
    String join = new JsonObject().put("type", "join").put("room", "public:a").encode();
    return Combinators.combine(hello, frame().list().ofMinSize(1).ofMaxSize(60))
        .as((first, rest) -> {
          rest.add(0, join);
          rest.add(0, first);
          return rest;
        });
  }

  @Provide
  Arbitrary<String> frame() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, wellFormed()),
        Tuple.of(3, wellFormed().flatMap(SessionFuzzTest::mutated)),
        Tuple.of(1, Arbitraries.strings().ofMaxLength(40)));
  }

  /** Frames of every type, mostly plausible (so sessions get far: joined rooms, acked sends), some hostile. */
  private static Arbitrary<? extends String> wellFormed() {
    Arbitrary<String> type = Arbitraries.frequency(Tuple.of(3, "join"), Tuple.of(5, "send"), Tuple.of(1, "leave"),
        Tuple.of(1, "presence"), Tuple.of(1, "ping"), Tuple.of(1, "refresh"), Tuple.of(1, "hello"), Tuple.of(1, "teleport"),
        Tuple.of(1, ""));
    Arbitrary<String> room = Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just("public:a")), Tuple.of(3, Arbitraries.of(ROOMS)));
    Arbitrary<Object> ids = Arbitraries.frequencyOf(
        Tuple.of(7, Arbitraries.integers().between(0, 30).map(i -> (Object) ("m" + i))),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(70).map(x -> (Object) x)),
        Tuple.of(1, Arbitraries.oneOf(Arbitraries.integers().map(i -> (Object) i), Arbitraries.just(null))));
    Arbitrary<Object> since = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just(null)),
        Tuple.of(2, Arbitraries.longs().between(0, 20).map(n -> (Object) new JsonObject().put("seq", n))),
        Tuple.of(1, Arbitraries.longs().map(n -> (Object) new JsonObject().put("seq", n).put("epoch", "e"))),
        Tuple.of(1, Arbitraries.of(1.5, -3, "7", 1L << 53).map(n -> (Object) new JsonObject().put("seq", n))));
    return Combinators.combine(type, room, ids, ids, body(), since).as((t, r, ref, id, b, s) -> {
      JsonObject f = new JsonObject().put("type", t).put("room", r).put("ref", ref).put("clientMsgId", id)
          .put("since", s).put("token", "dev:fuzz");
      if (b != null) {
        f.put("body", b);
      }
      return f.encode();
    });
  }

  private static Arbitrary<Object> body() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.strings().ofMaxLength(50).map(s -> (Object) new JsonObject().put("text", s))),
        Tuple.of(1, Arbitraries.integers().between(0, 40).map(SessionFuzzTest::nested)),
        Tuple.of(1, Arbitraries.integers().between(0, 6000).map(n -> (Object) "z".repeat(n))),
        Tuple.of(1, Arbitraries.just(null)),
        Tuple.of(1, Arbitraries.of(true, 0, -1.25e300, new JsonArray()).map(o -> (Object) o)));
  }

  private static Object nested(int depth) {
    Object v = "leaf";
    for (int i = 0; i < depth; i++) {
      v = i % 2 == 0 ? new JsonArray().add(v) : new JsonObject().put("k", v);
    }
    return v;
  }

  /** One random edit of a frame's text: a byte dropped, inserted, replaced, or the text cut short or doubled. */
  private static Arbitrary<String> mutated(String text) {
    if (text.isEmpty()) {
      return Arbitraries.just(text);
    }
    Arbitrary<Integer> at = Arbitraries.integers().between(0, text.length() - 1);
    Arbitrary<Character> ch = Arbitraries.of('{', '}', '[', ']', '"', ',', ':', '\\', '0', 'e', '-', ' ', '\u0000', '\uD800');
    return Arbitraries.oneOf(
        at.map(i -> text.substring(0, i) + text.substring(i + 1)),
        Combinators.combine(at, ch).as((i, c) -> text.substring(0, i) + c + text.substring(i)),
        Combinators.combine(at, ch).as((i, c) -> text.substring(0, i) + c + text.substring(i + 1)),
        at.map(i -> text.substring(0, i)),
        Arbitraries.just(text + text));
  }
}
