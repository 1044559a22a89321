package io.switchboard.gateway.ws;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.protocol.ErrorCode;
import io.switchboard.gateway.auth.InvalidTokenException;
import io.vertx.circuitbreaker.OpenCircuitException;

/**
 * The gateway's one mapping from a failure to the error code a client sees (and, for the HTTP
 * API, its status). Failures the gateway does not recognise are {@code internal}.
 */
public final class ErrorCodes {

  private ErrorCodes() {
  }

  public static ErrorCode of(Throwable cause) {
    if (cause instanceof ProtocolException p) {
      return p.code();
    }
    if (cause instanceof InvalidTokenException) {
      return ErrorCode.INVALID_TOKEN;
    }
    if (cause instanceof OpenCircuitException) {
      return ErrorCode.UNAVAILABLE;
    }
    if (BusError.isTimeout(cause)) {
      return ErrorCode.TIMEOUT;
    }
    return switch (BusError.of(cause)) {
      case OVERLOADED -> ErrorCode.OVERLOADED;
      case UNAVAILABLE, NOT_OWNER -> ErrorCode.UNAVAILABLE;
      case BAD_REQUEST -> ErrorCode.BAD_REQUEST;
      case UNPROCESSABLE -> ErrorCode.UNPROCESSABLE;
      case INTERNAL -> ErrorCode.INTERNAL;
    };
  }

  /**
   * A failed request to a service the caller cannot fix anything about (a history read): a time-out
   * stays {@code timeout}; anything else, even an internal error over there, is {@code unavailable}
   * here, since retrying later is all the caller can do.
   */
  public static ErrorCode ofDependency(Throwable cause) {
    return of(cause) == ErrorCode.TIMEOUT ? ErrorCode.TIMEOUT : ErrorCode.UNAVAILABLE;
  }

  /** The HTTP status of an error code on the HTTP API. */
  public static int httpStatus(ErrorCode code) {
    return switch (code) {
      case INVALID_TOKEN, NOT_AUTHENTICATED -> 401;
      case FORBIDDEN -> 403;
      case RATE_LIMITED, TOO_MANY_CONNECTIONS -> 429;
      case TIMEOUT -> 504;
      case UNAVAILABLE, OVERLOADED -> 503;
      case INTERNAL -> 500;
      case UNPROCESSABLE -> 422;
      default -> 400;
    };
  }
}
