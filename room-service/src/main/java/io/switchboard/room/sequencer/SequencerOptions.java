package io.switchboard.room.sequencer;

import io.switchboard.common.config.ConfigSource;

import java.time.Duration;

/**
 * Limits of one room's sequencer.
 *
 * @param maxBatch messages committed in one store append (group commit)
 * @param maxPending sends queued per room before new ones are refused with {@code overloaded}
 * @param dedupeCacheSize recent dedupe keys remembered per room (older ones are found by the store)
 * @param retryBackoff first delay before retrying a failed store call; doubles up to {@code maxRetryBackoff}
 * @param maxRetryBackoff cap of the retry delay
 * @param idleEviction a room with no subscriber and no traffic for this long is dropped from memory
 * @param sendDeadline a send not committed this long after it was queued is failed with the temporary
 *     {@code unavailable} and dropped, so a store outage is never retried forever. Longer than the
 *     gateway's request time-out, so that a send is normally retried by then
 */
public record SequencerOptions(
    int maxBatch, int maxPending, int dedupeCacheSize, Duration retryBackoff, Duration maxRetryBackoff,
    Duration idleEviction, Duration sendDeadline) {

  public static SequencerOptions defaults() {
    return from(ConfigSource.empty());
  }

  public static SequencerOptions from(ConfigSource src) {
    return new SequencerOptions(
        src.integer("room.maxBatch", 256),
        src.integer("room.maxPending", 4096),
        src.integer("room.dedupeCacheSize", 4096),
        src.millis("room.retryBackoffMs", Duration.ofMillis(50)),
        src.millis("room.maxRetryBackoffMs", Duration.ofSeconds(2)),
        src.millis("room.idleEvictionMs", Duration.ofMinutes(10)),
        src.millis("room.sendDeadlineMs", Duration.ofSeconds(10)));
  }
}
