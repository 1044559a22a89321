package io.switchboard.room;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.bus.MalformedBusMessageException;
import io.switchboard.common.bus.RoomProtocol;
import io.switchboard.common.log.LogLimiter;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a failed room request becomes the {@link BusError} its gateway sees. A
 * malformed request is {@link BusError#BAD_REQUEST}; the room's own refusals ({@code NOT_OWNER},
 * {@code OVERLOADED}, {@code UNPROCESSABLE}, {@code UNAVAILABLE}) pass through with their code;
 * anything else is a bug, answered {@link BusError#INTERNAL} and logged with its stack trace,
 * at a rate the {@link LogLimiter} caps.
 */
final class RoomFailures {

  private static final Logger log = LoggerFactory.getLogger(RoomFailures.class);

  private final LogLimiter logLimiter;

  RoomFailures(LogLimiter logLimiter) {
    this.logLimiter = logLimiter;
  }

  /** The failure as the gateway sees it: its code and message. */
  ReplyException classify(Throwable failure) {
    if (failure instanceof MalformedBusMessageException malformed) {
      return BusError.BAD_REQUEST.exception(malformed.getMessage());
    }
    if (failure instanceof ReplyException reply) {
      return reply;
    }
    long suppressed = logLimiter.acquire("request-failed");
    if (suppressed != LogLimiter.DENIED) {
      log.atError().addKeyValue("suppressed", suppressed).setCause(failure).log("room request failed");
    }
    return BusError.INTERNAL.exception(String.valueOf(failure.getMessage()));
  }

  /** Answers a request with its failure. */
  void fail(Message<?> request, Throwable failure) {
    ReplyException error = classify(failure);
    request.fail(error.failureCode(), error.getMessage());
  }

  /** The failure of one send of a batch, as its entry in the reply. */
  JsonObject sendFailed(Throwable failure) {
    ReplyException error = classify(failure);
    return RoomProtocol.sendFailed(error.failureCode(), error.getMessage());
  }
}
