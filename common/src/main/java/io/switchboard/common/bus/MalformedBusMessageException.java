package io.switchboard.common.bus;

/**
 * A request, reply or event on the event bus that does not have the shape its protocol defines.
 * Thrown by the decoders of {@link RoomProtocol} and {@link HistoryProtocol}, naming the first
 * missing or mistyped field; the services answer it with {@link BusError#BAD_REQUEST}. It says what
 * is wrong with the data, so it carries no stack trace.
 */
public final class MalformedBusMessageException extends IllegalArgumentException {

  public MalformedBusMessageException(String message) {
    super(message);
  }

  /** What is wrong is in the message; where it was found is always a decoder. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
