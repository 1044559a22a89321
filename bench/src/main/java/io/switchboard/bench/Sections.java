package io.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** Replaces a generated section of a Markdown file: the text between two marker comments. */
final class Sections {

  private Sections() {
  }

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
