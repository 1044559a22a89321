package io.switchboard.history;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Makes the history service encode JSON with Vert.x's streaming Jackson codec, like every other
 * Switchboard service, although Flyway puts jackson-databind on its classpath (Vert.x would then
 * pick its databind codec). Registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory}.
 *
 * <p>Why it matters: the databind codec walks a {@code JsonObject} through several stack frames per
 * level and overflows a 1 MB thread stack at about 750 levels of nesting, below the 1000 levels
 * Jackson's write constraint lets the room service send. A body between the two could be stored
 * but never served: every page holding it would overflow while its reply is encoded. With the
 * streaming codec the history service encodes exactly what the room service can, and a deeper
 * value fails with an {@code EncodeException} instead of a {@code StackOverflowError}.
 */
public final class CoreJsonFactory implements JsonFactory {

  private static final JsonCodec CODEC = new JacksonCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
