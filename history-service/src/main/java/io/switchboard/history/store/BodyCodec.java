package io.switchboard.history.store;

import io.vertx.core.json.Json;

/** Message bodies are any JSON value; the stores keep them as JSON text. */
final class BodyCodec {

  private BodyCodec() {
  }

  static String encode(Object body) {
    return Json.encode(body);
  }

  static Object decode(String text) {
    return Json.decodeValue(text);
  }
}
