package io.switchboard.presence;

import io.switchboard.common.service.ServiceLauncher;

/** Starts a presence-service process. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(args, config -> new PresenceService());
  }
}
