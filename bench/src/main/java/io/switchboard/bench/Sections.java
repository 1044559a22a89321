package io.switchboard.bench;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the benchmarks' JSON-lines results and replaces a generated section of a Markdown file. */
final class Sections {

  private Sections() {
  }

  /** Every JSON object line of a results file. */
  static List<JsonObject> readResults(Path file) throws Exception {
    List<JsonObject> results = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith("{")) {
        results.add(new JsonObject(line));
      }
    }
    return results;
  }

  /** Replaces the text between {@code <!-- results:NAME:begin -->} and {@code <!-- results:NAME:end -->}. */
  static void replace(Path doc, String name, String content) throws Exception {
    String begin = "<!-- results:" + name + ":begin -->";
    String end = "<!-- results:" + name + ":end -->";
    String text = Files.readString(doc);
    int b = text.indexOf(begin);
    int e = text.indexOf(end);
    if (b < 0 || e < b) {
      throw new IllegalArgumentException(doc + " has no " + begin + " ... " + end + " section");
    }
    Files.writeString(doc, text.substring(0, b + begin.length()) + "\n" + content + text.substring(e));
  }
}
