package io.switchboard.common.history;

/**
 * A {@link MessageStore} can never accept this append as sent: a message in it holds data the store
 * cannot represent (a body that cannot be encoded, text a column refuses). Nothing was written, and
 * retrying the same batch fails the same way, so callers must not retry it: a sequencer isolates the
 * offending message and fails only that one. The history service answers it with
 * {@code BusError.UNPROCESSABLE}.
 */
public final class UnprocessableMessageException extends RuntimeException {

  public UnprocessableMessageException(String message) {
    super(message);
  }

  public UnprocessableMessageException(String message, Throwable cause) {
    super(message, cause);
  }
}
