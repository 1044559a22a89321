package io.switchboard.common.service;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * The parts of a service in the order they started, stopped in the reverse order: a part is added
 * right after it starts, so what takes work (verticles, servers, consumers) is stopped before
 * what that work uses (stores, clients). {@link #stop} stops one part at a time, each after the
 * previous one has finished, and carries on past a part that fails to stop (logged). Thread-safe.
 */
public final class StopSequence implements Stoppable {

  private static final Logger log = LoggerFactory.getLogger(StopSequence.class);

  private final String owner;
  private final Deque<Part> parts = new ArrayDeque<>();
  private Future<Void> stopped;

  /** @param owner what the parts belong to, for the log: a service's role, or {@code "process"} */
  public StopSequence(String owner) {
    this.owner = Objects.requireNonNull(owner, "owner");
  }

  /**
   * Records a part that has just started. A part added once {@link #stop} has begun is stopped
   * after the parts already being stopped.
   *
   * @return this sequence
   */
  public StopSequence add(String name, Stoppable part) {
    Part p = new Part(Objects.requireNonNull(name, "name"), Objects.requireNonNull(part, "part"));
    Future<Void> late;
    synchronized (this) {
      if (stopped == null) {
        parts.push(p);
        return this;
      }
      late = stopped;
    }
    late.onComplete(ignored -> stopPart(p));
    return this;
  }

  /**
   * What a deploy returns: this sequence once {@code start} succeeds. When {@code start} fails, the
   * parts added so far are stopped first, and the result fails with {@code start}'s failure.
   */
  public Future<Stoppable> whenStarted(Future<?> start) {
    return start.<Stoppable>map(this).recover(failure -> stop().transform(ignored -> Future.failedFuture(failure)));
  }

  /** Stops every part, last added first; the same future on every call. Never fails. */
  @Override
  public Future<Void> stop() {
    Promise<Void> begin = Promise.promise();
    synchronized (this) {
      if (stopped != null) {
        return stopped;
      }
      // Chained now, run once the lock is released: a part's stop may add a part from another thread.
      Future<Void> chain = begin.future();
      for (Part part : parts) {
        chain = chain.compose(v -> stopPart(part));
      }
      parts.clear();
      stopped = chain;
    }
    begin.complete();
    return stopped;
  }

  /** Stops one part; completes when it has, successfully or not. */
  private Future<Void> stopPart(Part part) {
    log.atInfo().addKeyValue("owner", owner).addKeyValue("part", part.name()).log("stopping");
    Future<?> stopping;
    try {
      stopping = part.stoppable().stop();
    } catch (RuntimeException e) {
      stopping = Future.failedFuture(e);
    }
    return stopping.<Void>mapEmpty().recover(failure -> {
      log.atWarn().addKeyValue("owner", owner).addKeyValue("part", part.name()).setCause(failure)
          .log("did not stop cleanly; stopping the rest");
      return Future.succeededFuture();
    });
  }

  private record Part(String name, Stoppable stoppable) {
  }
}
