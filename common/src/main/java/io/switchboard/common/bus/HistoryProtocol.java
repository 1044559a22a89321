package io.switchboard.common.bus;

import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.Batches;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of history-service requests and replies on the event bus, written once for the
 * client ({@link EventBusMessageLog}) and the service that answers it. The service reads every
 * request through a typed decoder ({@link #decodeStateRequest}, {@link #decodeAppendRequest},
 * {@link #decodePageRequest}) that refuses a malformed one with a {@link MalformedBusMessageException}
 * naming the first field at fault, before anything reaches the store.
 */
public final class HistoryProtocol {

  /** Messages per page when a page request names no limit. */
  public static final int DEFAULT_PAGE_LIMIT = 100;

  private HistoryProtocol() {
  }

  /** A request for a room's state: {@code {room}}. */
  public record StateRequest(String room) {
  }

  /** An append request as the history service receives it. */
  public record AppendRequest(String room, String epoch, List<StoredMessage> messages) {

    public AppendRequest {
      messages = List.copyOf(messages);
    }
  }

  /** Which side of its seq a page request reads. */
  public enum Direction {
    /** Up to {@code limit} messages with seq greater than the request's seq, ascending. */
    AFTER,
    /** The last {@code limit} messages with seq less than the request's seq, ascending. */
    BEFORE
  }

  /**
   * A page request as the history service receives it.
   *
   * @param seq the exclusive bound the page starts after, or ends before
   * @param limit as the caller sent it (possibly negative or above what the service serves)
   */
  public record PageRequest(String room, Direction direction, long seq, int limit) {
  }

  public static JsonObject stateRequest(String room) {
    return new JsonObject().put("room", room);
  }

  /**
   * Reads a {@link #stateRequest}.
   *
   * @throws MalformedBusMessageException if the request is not an object with a string {@code room}
   */
  public static StateRequest decodeStateRequest(JsonObject json) {
    return new StateRequest(requireString(requireObject(json), "room", ""));
  }

  public static JsonObject appendRequest(String room, String epoch, List<StoredMessage> batch) {
    JsonArray messages = new JsonArray();
    batch.forEach(m -> messages.add(m.toJson()));
    return new JsonObject().put("room", room).put("epoch", epoch).put("messages", messages);
  }

  /**
   * Reads an {@link #appendRequest}, checking every field it needs instead of failing somewhere
   * inside the store: strings are strings, seqs and timestamps are integers, and the messages are
   * a non-empty run of consecutive seqs of the request's room.
   *
   * @throws MalformedBusMessageException naming the first missing or mistyped field
   */
  public static AppendRequest decodeAppendRequest(JsonObject json) {
    String room = requireString(requireObject(json), "room", "");
    String epoch = requireString(json, "epoch", "");
    if (!(json.getValue("messages") instanceof JsonArray array) || array.isEmpty()) {
      throw new MalformedBusMessageException("messages must be a non-empty array");
    }
    List<StoredMessage> batch = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = "messages[" + i + "].";
      if (!(array.getValue(i) instanceof JsonObject m)) {
        throw new MalformedBusMessageException("messages[" + i + "] must be an object");
      }
      batch.add(new StoredMessage(
          requireString(m, "room", where),
          requireInteger(m, "seq", where),
          requireString(m, "sender", where),
          requireString(m, "clientMsgId", where),
          m.getValue("body"),
          optionalInteger(m, "ts", where, 0L)));
    }
    Batches.requireContiguous(room, batch);
    return new AppendRequest(room, epoch, batch);
  }

  public static JsonObject pageRequest(String room, long afterSeq, int limit) {
    return new JsonObject().put("room", room).put("after", afterSeq).put("limit", limit);
  }

  public static JsonObject pageBeforeRequest(String room, long beforeSeq, int limit) {
    return new JsonObject().put("room", room).put("before", beforeSeq).put("limit", limit);
  }

  /**
   * Reads a {@link #pageRequest} or a {@link #pageBeforeRequest}. A request with neither
   * {@code after} nor {@code before} reads from the start; {@code limit} defaults to
   * {@link #DEFAULT_PAGE_LIMIT}.
   *
   * @throws MalformedBusMessageException if {@code room} is not a string, a bound or the limit is not
   *     an integer (the limit an {@code int}), or the request names both bounds
   */
  public static PageRequest decodePageRequest(JsonObject json) {
    String room = requireString(requireObject(json), "room", "");
    long limit = optionalInteger(json, "limit", "", DEFAULT_PAGE_LIMIT);
    if (limit != (int) limit) {
      throw new MalformedBusMessageException("limit must be an int");
    }
    boolean before = json.getValue("before") != null;
    if (before && json.getValue("after") != null) {
      throw new MalformedBusMessageException("a page request names after or before, not both");
    }
    return before
        ? new PageRequest(room, Direction.BEFORE, requireInteger(json, "before", ""), (int) limit)
        : new PageRequest(room, Direction.AFTER, optionalInteger(json, "after", "", 0L), (int) limit);
  }

  private static JsonObject requireObject(JsonObject json) {
    if (json == null) {
      throw new MalformedBusMessageException("the request must be a JSON object");
    }
    return json;
  }

  private static String requireString(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof String value)) {
      throw new MalformedBusMessageException(where + field + " must be a string");
    }
    return value;
  }

  /** An integral JSON number: what Jackson reads a number without fraction or exponent as, within a long. */
  private static long requireInteger(JsonObject json, String field, String where) {
    Object value = json.getValue(field);
    if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    throw new MalformedBusMessageException(where + field + " must be an integer");
  }

  private static long optionalInteger(JsonObject json, String field, String where, long absent) {
    return json.getValue(field) == null ? absent : requireInteger(json, field, where);
  }

  public static List<StoredMessage> messages(JsonArray array) {
    List<StoredMessage> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(StoredMessage.fromJson(array.getJsonObject(i)));
    }
    return out;
  }

  public static JsonArray messagesJson(List<StoredMessage> messages) {
    JsonArray out = new JsonArray(new ArrayList<>(messages.size()));
    messages.forEach(m -> out.add(m.toJson()));
    return out;
  }

  public static JsonObject encode(RoomState state) {
    return new JsonObject().put("top", state.top()).put("epoch", state.epoch());
  }

  public static RoomState decodeState(JsonObject json) {
    return new RoomState(json.getLong("top"), json.getString("epoch"));
  }

  public static JsonObject encode(HistoryPage page) {
    return new JsonObject()
        .put("messages", messagesJson(page.messages()))
        .put("top", page.top())
        .put("epoch", page.epoch())
        .put("firstSeq", page.firstSeq());
  }

  public static HistoryPage decodePage(JsonObject json) {
    return new HistoryPage(messages(json.getJsonArray("messages")), json.getLong("top"), json.getString("epoch"),
        json.getLong("firstSeq", 1L));
  }

  public static JsonObject encode(AppendResult result) {
    if (result instanceof AppendResult.Appended a) {
      return new JsonObject().put("status", "appended").put("top", a.top()).put("epoch", a.epoch());
    }
    if (result instanceof AppendResult.Conflict c) {
      return new JsonObject().put("status", "conflict").put("top", c.top()).put("epoch", c.epoch());
    }
    AppendResult.Duplicates d = (AppendResult.Duplicates) result;
    JsonObject seqs = new JsonObject();
    d.existingSeqs().forEach((index, seq) -> seqs.put(String.valueOf(index), seq));
    return new JsonObject().put("status", "duplicates").put("existing", seqs).put("top", d.top()).put("epoch", d.epoch());
  }

  public static AppendResult decodeAppendResult(JsonObject json) {
    long top = json.getLong("top");
    String epoch = json.getString("epoch");
    return switch (json.getString("status")) {
      case "appended" -> new AppendResult.Appended(top, epoch);
      case "conflict" -> new AppendResult.Conflict(top, epoch);
      case "duplicates" -> {
        Map<Integer, Long> seqs = new HashMap<>();
        json.getJsonObject("existing").forEach(e -> seqs.put(Integer.parseInt(e.getKey()), ((Number) e.getValue()).longValue()));
        yield new AppendResult.Duplicates(seqs, top, epoch);
      }
      default -> throw new MalformedBusMessageException("unknown append status " + json.getString("status"));
    };
  }
}
