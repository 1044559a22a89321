package io.switchboard.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cluster certificates for tests, made the way an operator makes them: {@code ./switchboard certs
 * <dir>} (a fresh private CA and a member certificate; needs bash and openssl).
 *
 * @param dir the folder holding {@code ca.pem}, {@code ca.key}, {@code node.pem}, {@code node.key}
 */
public record TestCertificates(Path dir) {

  /** Runs {@code ./switchboard certs dir} from the repository root above the working directory. */
  public static TestCertificates issue(Path dir) throws IOException, InterruptedException {
    Path script = repositoryRoot().resolve("switchboard");
    Path log = Files.createTempFile("switchboard-certs", ".log");
    Process p = new ProcessBuilder("bash", script.toString(), "certs", dir.toAbsolutePath().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("./switchboard certs failed: " + Files.readString(log));
    }
    Files.delete(log);
    return new TestCertificates(dir.toAbsolutePath());
  }

  public Path cert() {
    return dir.resolve("node.pem");
  }

  public Path key() {
    return dir.resolve("node.key");
  }

  public Path ca() {
    return dir.resolve("ca.pem");
  }

  /** The environment that gives a service these certificates. */
  public Map<String, String> env() {
    return Map.of(
        ConfigSource.envName(ClusterTlsOptions.CERT_PATH), cert().toString(),
        ConfigSource.envName(ClusterTlsOptions.KEY_PATH), key().toString(),
        ConfigSource.envName(ClusterTlsOptions.CA_PATH), ca().toString());
  }

  private static Path repositoryRoot() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("switchboard")) && Files.isRegularFile(p.resolve("mvnw"))) {
        return p;
      }
    }
    throw new IllegalStateException("no ./switchboard script above " + Path.of("").toAbsolutePath());
  }
}
