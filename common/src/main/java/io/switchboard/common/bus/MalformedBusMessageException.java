package io.switchboard.common.bus;

/**
 * A request, reply or event on the event bus that does not have the shape its protocol defines.
 * Thrown by the decoders of {@link RoomProtocol}, naming the first missing or mistyped field; the
 * room service answers it with {@link BusError#BAD_REQUEST}. It says what is wrong with the data,
 * so it carries no stack trace.
 */
public final class MalformedBusMessageException extends RuntimeException {

  public MalformedBusMessageException(String message) {
    super(message, null, false, false);
  }
}
