package io.switchboard.systemtest;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Jepsen-style check of one receiver's stream of one room, across its re-joins, against the
 * room's history read back over the HTTP API.
 *
 * @param reader which reader ({@code room via gateway-1})
 * @param received how many message frames it was given
 * @param lost seqs from its first to the room's top that it never got
 * @param duplicated seqs it got more than once
 * @param gaps places where a seq did not follow the one before it ({@code 12 -> 15})
 * @param divergent seqs whose sender, clientMsgId or body differ from the history's
 * @param rejoins how often it re-joined with {@code since}
 */
record ReceiverAudit(String reader, int received, List<Long> lost, List<Long> duplicated, List<String> gaps,
                     List<String> divergent, int rejoins) {

  boolean clean() {
    return lost.isEmpty() && duplicated.isEmpty() && gaps.isEmpty() && divergent.isEmpty();
  }

  static ReceiverAudit of(String reader, long firstSeq, List<JsonObject> stream, Map<Long, JsonObject> history,
                          long top, int rejoins) {
    Set<Long> seen = new HashSet<>();
    List<Long> duplicated = new ArrayList<>();
    List<String> gaps = new ArrayList<>();
    List<String> divergent = new ArrayList<>();
    long previous = firstSeq - 1;
    for (JsonObject m : stream) {
      long seq = m.getLong("seq");
      if (!seen.add(seq)) {
        duplicated.add(seq);
      } else if (seq != previous + 1) {
        gaps.add(previous + " -> " + seq);
      }
      previous = Math.max(previous, seq);
      JsonObject stored = history.get(seq);
      if (stored == null || !sameMessage(stored, m)) {
        divergent.add(seq + ": got " + m.encode() + ", history has " + (stored == null ? "nothing" : stored.encode()));
      }
    }
    List<Long> lost = new ArrayList<>();
    for (long seq = Math.max(1, firstSeq); seq <= top; seq++) {
      if (history.containsKey(seq) && !seen.contains(seq)) {
        lost.add(seq);
      }
    }
    return new ReceiverAudit(reader, stream.size(), lost, duplicated, gaps, divergent, rejoins);
  }

  private static boolean sameMessage(JsonObject a, JsonObject b) {
    return a.getString("sender").equals(b.getString("sender")) && a.getString("clientMsgId").equals(b.getString("clientMsgId"))
        && a.getJsonObject("body").equals(b.getJsonObject("body"));
  }
}
