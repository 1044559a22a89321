package io.switchboard.history;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.UnprocessableMessageException;

/**
 * The one place where a failed history request becomes the {@link BusError} its caller sees. The
 * room service retries only what may succeed later: {@link BusError#UNAVAILABLE}. A request the
 * service can never serve as sent is {@link BusError#BAD_REQUEST} (malformed) or
 * {@link BusError#UNPROCESSABLE} (well formed, but the store refuses its data); both promise that
 * nothing was written.
 */
final class HistoryFailures {

  private HistoryFailures() {
  }

  static BusError classify(Throwable failure) {
    if (failure instanceof UnprocessableMessageException) {
      return BusError.UNPROCESSABLE;
    }
    if (failure instanceof IllegalArgumentException) {
      // The HistoryProtocol decoders (and the stores' own Batches checks) refuse a malformed
      // request before anything is written.
      return BusError.BAD_REQUEST;
    }
    // The store failed: the outcome is unknown and a retry may succeed.
    return BusError.UNAVAILABLE;
  }

  /** True for failures the caller caused: logged without a stack trace and rate-limited. */
  static boolean callerCaused(BusError error) {
    return error == BusError.BAD_REQUEST || error == BusError.UNPROCESSABLE;
  }
}
