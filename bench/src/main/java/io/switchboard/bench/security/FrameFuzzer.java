package io.switchboard.bench.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Random;

/**
 * Client frames for fuzzing a gateway: mostly plausible frames of every type with hostile values
 * mixed in (wrong types, control characters, huge or negative seqs, deep or long bodies, rooms of
 * every namespace), a share of them mutated byte by byte, and some plain garbage. Plausible enough
 * that sessions get far (welcomed, joined, acked), so the whole state machine is exercised.
 */
final class FrameFuzzer {

  private static final String[] TYPES = {"send", "send", "send", "send", "join", "join", "join", "leave", "presence", "ping",
      "refresh", "hello", "teleport", ""};
  private static final char[] NOISE = {'{', '}', '[', ']', '"', ',', ':', '\\', '0', 'e', '-', ' ', '\u0000', '\uD800', '\u00e9'};

  private final Random random;
  private final List<String> rooms;

  /** @param rooms the rooms plausible frames name (most of them public), besides a few invalid ids */
  FrameFuzzer(long seed, List<String> rooms) {
    this.random = new Random(seed);
    this.rooms = rooms;
  }

  /** The {@code hello} a fuzzing connection opens with: usually a valid development token. */
  String hello(String user) {
    int r = random.nextInt(20);
    String token = r < 17 ? "dev:" + user : r == 17 ? "dev:" : r == 18 ? "not-a-token" : "dev:" + user + "\u0000";
    return new JsonObject().put("type", "hello").put("token", token).encode();
  }

  /** The next frame: 60% plausible, 30% a plausible frame mutated once, 10% garbage. */
  String next(String user) {
    int r = random.nextInt(10);
    if (r < 6) {
      return plausible(user);
    }
    if (r < 9) {
      return mutate(plausible(user));
    }
    return garbage();
  }

  private String plausible(String user) {
    String type = TYPES[random.nextInt(TYPES.length)];
    JsonObject f = new JsonObject().put("type", type);
    if (random.nextInt(10) < 8) {
      f.put("ref", "r" + random.nextInt(1000));
    } else {
      f.put("ref", random.nextBoolean() ? (Object) random.nextInt() : text(70));
    }
    switch (type) {
      case "join" -> {
        f.put("room", room());
        int s = random.nextInt(8);
        if (s == 0) {
          f.put("since", new JsonObject().put("seq", random.nextInt(30)));
        } else if (s == 1) {
          f.put("since", new JsonObject().put("seq", random.nextLong()).put("epoch", text(10)));
        } else if (s == 2) {
          f.put("since", new JsonObject().put("seq", List.of(1.5, -3, "7", 1L << 53, Long.MAX_VALUE).get(random.nextInt(5))));
        }
      }
      case "leave", "presence" -> f.put("room", room());
      case "send" -> {
        f.put("room", room()).put("clientMsgId", random.nextInt(10) < 8 ? user + "-" + random.nextInt(1_000_000) : text(70));
        Object body = body();
        if (body != null) {
          f.put("body", body);
        }
      }
      case "hello", "refresh" -> f.put("token", random.nextInt(4) == 0 ? text(30) : "dev:" + user);
      default -> {
        // ping, unknown types
      }
    }
    return f.encode();
  }

  private String room() {
    int r = random.nextInt(20);
    if (r < 16) {
      return rooms.get(random.nextInt(rooms.size()));
    }
    return List.of("private:x", "user:someone", "bare-room", "bad room", "", "x".repeat(129), "news:z").get(random.nextInt(7));
  }

  private Object body() {
    int r = random.nextInt(20);
    if (r < 14) {
      return new JsonObject().put("text", text(60));
    }
    return switch (r) {
      case 14 -> nested(random.nextInt(40));
      case 15 -> "z".repeat(random.nextInt(6000));
      case 16 -> null;
      case 17 -> new JsonArray().add(true).add(-1.25e300).add(new JsonObject());
      case 18 -> random.nextLong();
      default -> new JsonObject().put("k".repeat(random.nextInt(5000)), 1);
    };
  }

  private static Object nested(int depth) {
    Object v = "leaf";
    for (int i = 0; i < depth; i++) {
      v = i % 2 == 0 ? new JsonArray().add(v) : new JsonObject().put("k", v);
    }
    return v;
  }

  private String text(int maxLength) {
    int n = random.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      int r = random.nextInt(10);
      sb.append(r < 7 ? (char) ('a' + random.nextInt(26)) : r < 9 ? NOISE[random.nextInt(NOISE.length)] : (char) random.nextInt(0x3000));
    }
    return sb.toString();
  }

  private String mutate(String s) {
    if (s.isEmpty()) {
      return s;
    }
    int at = random.nextInt(s.length());
    char c = NOISE[random.nextInt(NOISE.length)];
    return switch (random.nextInt(5)) {
      case 0 -> s.substring(0, at) + s.substring(at + 1);
      case 1 -> s.substring(0, at) + c + s.substring(at);
      case 2 -> s.substring(0, at) + c + s.substring(at + 1);
      case 3 -> s.substring(0, at);
      default -> s + s;
    };
  }

  private String garbage() {
    return random.nextBoolean() ? text(40) : "{\"type\":" + text(20);
  }
}
