package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.CloseCode;
import io.switchboard.common.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/protocol.md documents every error code and close code the gateway can send. */
class ProtocolDocumentationTest {

  private static String protocolDoc() throws Exception {
    return Files.readString(Path.of("..", "docs", "protocol.md"));
  }

  @Test
  void everyErrorCodeHasARowWithItsTemporaryFlag() throws Exception {
    String doc = protocolDoc();
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(doc).as(code.wire())
          .contains("| `" + code.wire() + "` | " + (code.temporary() ? "yes" : "no") + " |");
    }
  }

  @Test
  void everyCloseCodeHasARowSayingWhetherToReconnect() throws Exception {
    String doc = protocolDoc();
    for (CloseCode code : CloseCode.values()) {
      String reconnect = code == CloseCode.NORMAL ? "n/a" : code.reconnect() ? "yes" : "no";
      assertThat(doc).as("close code %d", code.code()).contains("| " + code.code() + " | " + reconnect + " |");
    }
  }
}
