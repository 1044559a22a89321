package io.switchboard.common.history;

import java.util.List;

/**
 * Consecutive messages of one room in seq order, plus the room's state when the page was read.
 *
 * @param messages the page, ascending by seq
 * @param top the room's top seq at read time
 * @param epoch the room's lineage
 */
public record HistoryPage(List<StoredMessage> messages, long top, String epoch) {

  public HistoryPage {
    messages = List.copyOf(messages);
  }
}
