package io.switchboard.gateway;

import io.switchboard.common.service.ServiceLauncher;

/** Starts a gateway process. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(args, GatewayService::new);
  }
}
