package io.switchboard.common.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/** Failure codes carried by {@link ReplyException#failureCode()} on Switchboard's own replies. */
public enum BusError {
  /** The receiver does not own the room's shard (membership moved); ask the new owner. */
  NOT_OWNER(409),
  /** A bounded queue is full; try again later. */
  OVERLOADED(429),
  /** The request was malformed. */
  BAD_REQUEST(400),
  /**
   * This one message can never be processed as sent (it cannot be encoded, or the store refuses its
   * data). Permanent: the sender gets a non-temporary error and nothing is retried.
   */
  UNPROCESSABLE(422),
  /** A dependency failed or timed out. */
  UNAVAILABLE(503),
  /** Anything else. */
  INTERNAL(500);

  private final int code;

  BusError(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public ReplyException exception(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message);
  }

  /** Classifies a failed request: one of ours, or {@link #UNAVAILABLE} for time-outs and no handlers. */
  public static BusError of(Throwable failure) {
    if (failure instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        for (BusError e : values()) {
          if (e.code == re.failureCode()) {
            return e;
          }
        }
        return INTERNAL;
      }
      return UNAVAILABLE;
    }
    return INTERNAL;
  }

  /** True when the request timed out, so its outcome is unknown. */
  public static boolean isTimeout(Throwable failure) {
    return failure instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT;
  }

  /** True when nobody was listening on the address (the node left or is not ready yet). */
  public static boolean isNoHandlers(Throwable failure) {
    return failure instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }
}
