package io.switchboard.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When each room's sends were acknowledged (wall-clock milliseconds), and from that the write
 * outage a fault caused: the longest time from the fault on with no ack at all, and the longest
 * any one room went without one. Thread-safe.
 */
final class AckTimeline {

  /**
   * The outage after one fault, in milliseconds; {@code room} is the room that waited longest, from
   * {@code worstRoomFrom} (wall-clock milliseconds: its last ack before the wait).
   */
  record Outage(long noAckMs, long worstRoomMs, String room, long worstRoomFrom) {
  }

  /** A wait for an ack: from the last ack before it, {@code ms} long. */
  private record Gap(long from, long ms) {
    static final Gap NONE = new Gap(0, 0);

    Gap longer(Gap other) {
      return other.ms > ms ? other : this;
    }
  }

  private final Map<String, List<Long>> byRoom = new HashMap<>();
  private final List<Long> all = new ArrayList<>();

  synchronized void ack(String room, long millis) {
    byRoom.computeIfAbsent(room, r -> new ArrayList<>()).add(millis);
    all.add(millis);
  }

  synchronized int acks() {
    return all.size();
  }

  /**
   * The outage a fault at {@code fault} caused: the longest gap between two acks that ends after
   * the fault and starts within {@code horizonMs} of it (the gap across the fault counts from the
   * last ack before it), over all rooms together and per room. Observation ends at {@code end}
   * (when the senders stopped): a room with no ack after its last one waited at least until the
   * horizon or the end, whichever is first.
   */
  synchronized Outage after(long fault, long horizonMs, long end) {
    long until = Math.min(fault + horizonMs, end);
    Gap worstRoom = Gap.NONE;
    String room = null;
    for (Map.Entry<String, List<Long>> e : byRoom.entrySet()) {
      Gap gap = longestGap(e.getValue(), fault, until);
      if (gap.ms > worstRoom.ms) {
        worstRoom = gap;
        room = e.getKey();
      }
    }
    return new Outage(longestGap(all, fault, until).ms, worstRoom.ms, room, worstRoom.from);
  }

  /** The longest gap any room had between {@code from} and {@code to}, with no fault in it: the noise floor. */
  synchronized long quietWorstRoomMs(long from, long to) {
    long worst = 0;
    for (List<Long> times : byRoom.values()) {
      List<Long> inside = sorted(times).stream().filter(t -> t >= from && t <= to).toList();
      for (int i = 1; i < inside.size(); i++) {
        worst = Math.max(worst, inside.get(i) - inside.get(i - 1));
      }
    }
    return worst;
  }

  /**
   * The longest gap between consecutive acks that ends after {@code fault} and starts before
   * {@code until}; if nothing was acknowledged after the last ack, the time from it to {@code until}.
   */
  private static Gap longestGap(List<Long> times, long fault, long until) {
    Gap longest = Gap.NONE;
    Long previous = null;
    for (long t : sorted(times)) {
      if (previous != null && t > fault && previous < until) {
        longest = longest.longer(new Gap(previous, t - previous));
      }
      previous = t;
    }
    if (previous != null && previous < until) {
      longest = longest.longer(new Gap(previous, until - previous));
    }
    return longest;
  }

  private static List<Long> sorted(List<Long> times) {
    List<Long> copy = new ArrayList<>(times);
    Collections.sort(copy);
    return copy;
  }
}
