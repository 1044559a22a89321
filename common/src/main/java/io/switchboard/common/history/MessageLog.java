package io.switchboard.common.history;

/**
 * A room's log as its sequencer uses it: appended under the seq fence and read back (to repair a
 * gap or answer a retried send). The history service's stores are one; so is the event-bus client
 * that reaches them.
 */
public interface MessageLog extends HistoryWriter, HistoryReader {
}
