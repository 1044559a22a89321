package io.switchboard.common.history;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of history-service requests and replies on the event bus, written once for the
 * client ({@link EventBusMessageStore}) and the service that answers it.
 */
public final class HistoryProtocol {

  private HistoryProtocol() {
  }

  public static JsonObject stateRequest(String room) {
    return new JsonObject().put("room", room);
  }

  public static JsonObject appendRequest(String room, String epoch, List<StoredMessage> batch) {
    JsonArray messages = new JsonArray();
    batch.forEach(m -> messages.add(m.toJson()));
    return new JsonObject().put("room", room).put("epoch", epoch).put("messages", messages);
  }

  /** An append request as the history service receives it. */
  public record AppendRequest(String room, String epoch, List<StoredMessage> messages) {
  }

  /**
   * Reads an {@link #appendRequest}, checking every field it needs instead of failing somewhere
   * inside the store.
   *
   * @throws IllegalArgumentException naming the first missing or mistyped field
   */
  public static AppendRequest decodeAppendRequest(JsonObject json) {
    String room = requireString(json, "room", "");
    String epoch = requireString(json, "epoch", "");
    if (!(json.getValue("messages") instanceof JsonArray array) || array.isEmpty()) {
      throw new IllegalArgumentException("messages must be a non-empty array");
    }
    List<StoredMessage> batch = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String where = "messages[" + i + "].";
      if (!(array.getValue(i) instanceof JsonObject m)) {
        throw new IllegalArgumentException("messages[" + i + "] must be an object");
      }
      requireString(m, "room", where);
      requireString(m, "sender", where);
      requireString(m, "clientMsgId", where);
      if (!(m.getValue("seq") instanceof Number) || m.getValue("ts") != null && !(m.getValue("ts") instanceof Number)) {
        throw new IllegalArgumentException(where + "seq and " + where + "ts must be numbers");
      }
      batch.add(StoredMessage.fromJson(m));
    }
    return new AppendRequest(room, epoch, batch);
  }

  private static String requireString(JsonObject json, String field, String where) {
    if (!(json.getValue(field) instanceof String value)) {
      throw new IllegalArgumentException(where + field + " must be a string");
    }
    return value;
  }

  public static JsonObject pageRequest(String room, long afterSeq, int limit) {
    return new JsonObject().put("room", room).put("after", afterSeq).put("limit", limit);
  }

  public static JsonObject pageBeforeRequest(String room, long beforeSeq, int limit) {
    return new JsonObject().put("room", room).put("before", beforeSeq).put("limit", limit);
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
      default -> throw new IllegalArgumentException("unknown append status " + json.getString("status"));
    };
  }
}
