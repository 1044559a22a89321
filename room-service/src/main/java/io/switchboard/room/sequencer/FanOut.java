package io.switchboard.room.sequencer;

import io.switchboard.common.history.StoredMessage;

import java.util.Collection;
import java.util.List;

/** Delivers committed messages of a room to the subscribed gateway instances, one event each. */
public interface FanOut {
  void deliver(Collection<String> subscribers, String room, String epoch, List<StoredMessage> messages);
}
