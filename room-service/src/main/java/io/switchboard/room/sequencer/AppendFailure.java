package io.switchboard.room.sequencer;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.UnprocessableMessageException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;

/**
 * How the sequencer acts on a failed append: the one place that decides between retrying a batch
 * and refusing a message. A permanent failure promises that nothing was written.
 */
enum AppendFailure {

  /**
   * The store refused the data, or the request could not be encoded: the message's fault. Nothing
   * was written and the same batch fails the same way, so the message at fault is isolated and
   * refused as unprocessable. Logged at WARN without a stack trace.
   */
  REFUSED,

  /**
   * The store call threw before it sent anything: nothing was written, and as it would throw
   * again, this too is isolated and refused rather than retried. Unexpected, so logged at ERROR
   * with its stack trace.
   */
  THREW,

  /**
   * The outcome is unknown (time-out, no handlers, the history service unavailable or failing):
   * the batch may be durable. The room reloads and resubmits it until the sends' deadline.
   */
  UNKNOWN;

  /**
   * @param thrown whether the store call threw instead of returning a future
   */
  static AppendFailure of(Throwable failure, boolean thrown) {
    if (refusesData(failure)) {
      return REFUSED;
    }
    return thrown ? THREW : UNKNOWN;
  }

  boolean permanent() {
    return this != UNKNOWN;
  }

  private static boolean refusesData(Throwable failure) {
    if (failure instanceof UnprocessableMessageException || failure instanceof EncodeException
        // A JSON codec that recurses per level of nesting overflows on a deep enough body.
        || failure instanceof StackOverflowError) {
      return true;
    }
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      BusError error = BusError.of(re);
      return error == BusError.UNPROCESSABLE || error == BusError.BAD_REQUEST;
    }
    return false;
  }
}
