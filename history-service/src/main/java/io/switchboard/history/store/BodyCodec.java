package io.switchboard.history.store;

import io.switchboard.common.history.UnprocessableMessageException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.Json;

/** Message bodies are any JSON value; the stores keep them as JSON text. */
final class BodyCodec {

  private BodyCodec() {
  }

  /**
   * The body as JSON text.
   *
   * @throws UnprocessableMessageException if the body cannot be encoded (nested deeper than the
   *     codec allows): no store can keep it, now or later
   */
  static String encode(Object body) {
    try {
      return Json.encode(body);
    } catch (EncodeException e) {
      throw new UnprocessableMessageException("message body cannot be encoded as JSON text", e);
    }
  }

  static Object decode(String text) {
    return Json.decodeValue(text);
  }
}
