package io.switchboard.room;

import io.switchboard.common.service.ServiceLauncher;

/** Starts a room-service process. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(args, RoomService::new);
  }
}
