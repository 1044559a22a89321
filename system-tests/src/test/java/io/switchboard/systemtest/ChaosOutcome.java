package io.switchboard.systemtest;

import java.time.Duration;
import java.util.List;

/**
 * What one fault cost and broke, over every room under load and every receiver stream.
 *
 * @param fault the fault's name
 * @param target what it struck
 * @param rooms rooms under load
 * @param roomsAffected rooms whose write outage exceeded {@link #AFFECTED}
 * @param maxOutage the longest write outage of any room (null if the fault did not complete)
 * @param lost acknowledged messages missing from history, plus history messages a receiver never got
 * @param duplicated messages stored twice, plus seqs a receiver got twice
 * @param gaps seqs missing from history, plus breaks in a receiver's sequence
 * @param divergent acks naming another seq than history holds, plus received messages unlike history's
 * @param problems the first few findings (or the error that stopped the fault), for the log
 */
record ChaosOutcome(String fault, String target, int rooms, int roomsAffected, Duration maxOutage,
                    int lost, int duplicated, int gaps, int divergent, List<String> problems) {

  /** A room whose writes stalled longer than this was affected by the fault. */
  static final Duration AFFECTED = Duration.ofSeconds(1);

  boolean clean() {
    return maxOutage != null && lost == 0 && duplicated == 0 && gaps == 0 && divergent == 0 && problems.isEmpty();
  }

  static ChaosOutcome failed(String fault, String target, int rooms, Throwable error) {
    return new ChaosOutcome(fault, target, rooms, rooms, null, 0, 0, 0, 0, List.of(String.valueOf(error)));
  }

  /** One row of the docs/reliability.md table. */
  String tableRow() {
    String outage = maxOutage == null ? "did not complete: " + problems.get(0).replaceAll("[|\\s]+", " ") : String.format("%.1f s", maxOutage.toMillis() / 1000.0);
    return "| " + String.join(" | ", fault, target, roomsAffected + " of " + rooms, outage,
        String.valueOf(lost), String.valueOf(duplicated), String.valueOf(gaps), String.valueOf(divergent)) + " |";
  }
}
