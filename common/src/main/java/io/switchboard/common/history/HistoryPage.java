package io.switchboard.common.history;

import java.util.List;

/**
 * Consecutive messages of one room in seq order, plus the room's state when the page was read.
 *
 * @param messages the page, ascending by seq
 * @param top the room's top seq at read time
 * @param epoch the room's lineage
 * @param firstSeq the lowest seq the store still retains ({@code top + 1} when it retains none);
 *     seqs below it were removed by retention
 */
public record HistoryPage(List<StoredMessage> messages, long top, String epoch, long firstSeq) {

  public HistoryPage {
    messages = List.copyOf(messages);
  }
}
