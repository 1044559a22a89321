package io.switchboard.history;

import io.switchboard.common.service.ServiceLauncher;

/** Starts a history-service process. */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    ServiceLauncher.run(args, HistoryService::new);
  }
}
