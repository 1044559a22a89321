package io.switchboard.bench.load;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ResultWriterTest {

  @Test
  void eachResultIsAppendedAsOneJsonLineWithItsFieldsInTheOrderTheyWerePut(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("results.jsonl");
    Files.writeString(out, "{\"earlier\":true}\n");
    ResultWriter writer = new ResultWriter(out);

    writer.emit(new JsonObject().put("scenario", "fanout-sweep").put("target", "control").put("p99ms", 1.5));
    writer.emit(new JsonObject().put("scenario", "idle").put("heapByClass", (Object) null));

    assertThat(Files.readAllLines(out)).containsExactly("{\"earlier\":true}",
        "{\"scenario\":\"fanout-sweep\",\"target\":\"control\",\"p99ms\":1.5}",
        "{\"scenario\":\"idle\",\"heapByClass\":null}");
  }
}
