package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each result as one JSON line to the {@code --out} file, the input of
 * {@link io.switchboard.bench.LoadReport} and {@link io.switchboard.bench.SecurityReport}, and logs it.
 */
final class ResultWriter {

  /** The result lines keep the generator's logger name, as the console output always had. */
  private static final Logger log = LoggerFactory.getLogger(LoadGen.class);

  private final Path out;

  ResultWriter(Path out) {
    this.out = out;
  }

  void emit(JsonObject result) throws IOException {
    log.info("result {}", result.encode());
    Files.writeString(out, result.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
