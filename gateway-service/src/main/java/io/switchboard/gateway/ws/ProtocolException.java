package io.switchboard.gateway.ws;

import io.switchboard.common.protocol.ErrorCode;

/** A client frame broke the protocol; answered with an {@code error} frame, the connection stays. */
final class ProtocolException extends RuntimeException {

  private final ErrorCode code;

  ProtocolException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  ErrorCode code() {
    return code;
  }
}
