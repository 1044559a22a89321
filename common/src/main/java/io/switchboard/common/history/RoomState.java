package io.switchboard.common.history;

/**
 * A room's position in the store.
 *
 * @param top highest committed seq, 0 for an empty room
 * @param epoch the room's history lineage; changes only if that history was lost
 */
public record RoomState(long top, String epoch) {
}
