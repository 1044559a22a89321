package io.switchboard.systemtest;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the Node tests in the {@code e2e} folder (the chat page in Chromium, the JavaScript SDK)
 * against a cluster. Without node (or Chromium, for the page) a test is skipped, unless
 * {@code SWITCHBOARD_REQUIRE_BROWSER_TEST=1} (CI) makes it fail instead.
 */
final class E2e {

  static final Path DIR = Path.of("..", "e2e").toAbsolutePath().normalize();

  private E2e() {
  }

  /** Skips (or, when required, fails) the calling test unless node and npm, and Chromium if asked, are here. */
  static void requireTools(boolean chromium) {
    Path browser = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
    boolean required = "1".equals(System.getenv("SWITCHBOARD_REQUIRE_BROWSER_TEST"));
    String missing = chromium && !Files.isExecutable(browser) ? "Chromium (" + browser + ")"
        : !onPath("npm") ? "node/npm" : null;
    if (missing != null) {
      assertThat(required).as("e2e test required but %s is missing (see .ci/run)", missing).isFalse();
      Assumptions.abort(missing + " is not installed; apt-get install chromium nodejs to run the e2e tests");
    }
  }

  /** Runs {@code npm run <script>} (after {@code npm ci} if needed); returns its output, failing on a non-zero exit. */
  static String npm(String script, Map<String, String> env, Path log) throws Exception {
    Files.deleteIfExists(log);
    if (!Files.isDirectory(DIR.resolve("node_modules"))) {
      assertThat(run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), log)).as("npm ci, see %s", log).isZero();
    }
    int exit = run(List.of("npm", "run", script), env, log);
    String output = Files.readString(log);
    assertThat(exit).as("npm run %s exit code; output:%n%s", script, output).isZero();
    assertThat(output).contains("# fail 0");
    return output;
  }

  private static int run(List<String> command, Map<String, String> env, Path log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(command + " did not finish in 3 minutes; see " + log);
    }
    return p.exitValue();
  }

  private static boolean onPath(String tool) {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
  }
}
