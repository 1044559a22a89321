package io.switchboard.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** CPU time, resident memory and (after a GC) heap use of server processes, read from /proc and jcmd. */
final class ProcStats {

  private static final long TICKS_PER_SECOND = 100; // Linux USER_HZ
  private static final Pattern GENERATION_USED = Pattern.compile("generation\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

  private ProcStats() {
  }

  /** CPU seconds (user + system) the process has used so far. */
  static double cpuSeconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CPU of pid " + pid, e);
    }
  }

  /** Sum of CPU seconds over several processes. */
  static double cpuSeconds(Map<String, Long> pids) {
    return pids.values().stream().mapToDouble(ProcStats::cpuSeconds).sum();
  }

  /** A {@code /proc/<pid>/status} field in KiB, e.g. VmRSS or VmHWM (peak RSS). */
  static long statusKiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
      return -1;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read status of pid " + pid, e);
    }
  }

  /** Open file descriptors of the process (its sockets, among others). */
  static int openFiles(long pid) {
    try (var fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list fds of pid " + pid, e);
    }
  }

  static Map<String, Long> peakRssKiB(Map<String, Long> pids) {
    Map<String, Long> out = new LinkedHashMap<>();
    pids.forEach((name, pid) -> out.put(name, statusKiB(pid, "VmHWM")));
    return out;
  }

  /** Heap in use right after a full GC, in KiB (young plus old generation), via jcmd. */
  static long heapAfterGcKiB(long pid) throws IOException, InterruptedException {
    run("jcmd", String.valueOf(pid), "GC.run");
    String info = run("jcmd", String.valueOf(pid), "GC.heap_info");
    Matcher m = GENERATION_USED.matcher(info);
    long used = 0;
    while (m.find()) {
      used += Long.parseLong(m.group(1));
    }
    return used;
  }

  private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);

  /** Live objects by class after a full GC, via jcmd: class name to {instances, bytes}. */
  static Map<String, long[]> classHistogram(long pid) throws IOException, InterruptedException {
    Map<String, long[]> classes = new LinkedHashMap<>();
    Matcher m = HISTOGRAM_ROW.matcher(run("jcmd", String.valueOf(pid), "GC.class_histogram"));
    while (m.find()) {
      classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
    }
    return classes;
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " timed out");
    }
    return out;
  }
}
