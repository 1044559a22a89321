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
