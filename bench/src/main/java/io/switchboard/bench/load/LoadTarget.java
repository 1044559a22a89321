package io.switchboard.bench.load;

import io.switchboard.bench.Args;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the generator aims at: the target's name in the results ({@code switchboard} or
 * {@code control}), the gateways' WebSocket URLs, and the server processes (name to pid, in a
 * stable order) whose CPU and memory it measures.
 */
record LoadTarget(String name, List<String> urls, Map<String, Long> pids) {

  static final String DEFAULT_URLS = "ws://127.0.0.1:8080/ws/v1,ws://127.0.0.1:8081/ws/v1";

  LoadTarget {
    urls = List.copyOf(urls);
    pids = Collections.unmodifiableMap(new LinkedHashMap<>(pids));
  }

  /** {@code --target}, {@code --urls} and {@code --pids} (or {@code --run-dir}), with their defaults. */
  static LoadTarget from(Args args) throws IOException {
    return new LoadTarget(args.string("target", "switchboard"), List.of(args.string("urls", DEFAULT_URLS).split(",")),
        pids(args));
  }

  /** {@code --pids name=pid,...}, or every {@code <name>.pid} file in {@code --run-dir} (default .run). */
  static Map<String, Long> pids(Args args) throws IOException {
    Map<String, Long> pids = new LinkedHashMap<>();
    String given = args.string("pids", "");
    if (!given.isBlank()) {
      for (String entry : given.split(",")) {
        String[] kv = entry.split("=");
        pids.put(kv[0], Long.parseLong(kv[1]));
      }
      return pids;
    }
    Path dir = Path.of(args.string("run-dir", ".run"));
    List<Path> files = new ArrayList<>();
    try (var list = Files.list(dir)) {
      list.filter(p -> p.toString().endsWith(".pid")).sorted().forEach(files::add);
    }
    for (Path p : files) {
      pids.put(p.getFileName().toString().replace(".pid", ""), Long.parseLong(Files.readString(p).trim()));
    }
    if (pids.isEmpty()) {
      throw new IllegalArgumentException("no server processes: give --pids or start ./switchboard");
    }
    return pids;
  }
}
