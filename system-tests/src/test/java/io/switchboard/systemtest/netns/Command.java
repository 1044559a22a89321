package io.switchboard.systemtest.netns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short system command ({@code ip}, {@code iptables}, {@code kill}) with a deadline. */
final class Command {

  private static final long TIMEOUT_SECONDS = 20;

  private Command() {
  }

  /** Runs {@code argv}; returns its output, or fails with it when the command fails. */
  static String run(String... argv) throws IOException, InterruptedException {
    return runWithInput("", argv);
  }

  /** Runs {@code argv} with {@code input} on its standard input; returns its output, or fails with it. */
  static String runWithInput(String input, String... argv) throws IOException, InterruptedException {
    Result r = attempt(input, argv);
    if (r.exit() != 0) {
      throw new IOException(String.join(" ", argv) + " exited with " + r.exit() + ": " + r.output().strip());
    }
    return r.output();
  }

  /** Runs {@code argv} and returns its exit code and output, whatever they are. */
  static Result attempt(String... argv) throws IOException, InterruptedException {
    return attempt("", argv);
  }

  private static Result attempt(String input, String... argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile("netns-bed-command", ".out");
    try {
      Process p = new ProcessBuilder(List.of(argv)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try (var stdin = p.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", argv) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  record Result(int exit, String output) {
  }
}
