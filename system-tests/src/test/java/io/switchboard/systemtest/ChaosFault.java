package io.switchboard.systemtest;

/**
 * One fault of the chaos suite: injected into a running bed while writers and receivers load
 * every room, then ended, so that the suite can measure what it cost and check what it broke.
 */
interface ChaosFault {

  /** A short, stable name for the report ({@code kill-room}). */
  String name();

  /**
   * Injects the fault, lets it act, and ends it (restarts what it killed, heals what it cut):
   * when this returns the bed has every service running and connected again.
   *
   * @return what it struck, for the report ({@code room-1, room-2})
   */
  String strike(ChaosRun run) throws Exception;
}
