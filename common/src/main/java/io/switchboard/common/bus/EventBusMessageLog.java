package io.switchboard.common.bus;

import io.switchboard.common.bus.Addresses.HistoryOps;
import io.switchboard.common.cluster.ClusterView;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.history.UnprocessableMessageException;
import io.switchboard.common.service.Stoppable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The history service's {@link MessageLog}, reached over the clustered event bus: what room
 * sequencers append through and gateways read pages from. Retention is not offered here; it runs
 * inside the history service, next to its store.
 *
 * <p>A call waits on one history instance at a time ({@link HistoryInstances} chooses it) and
 * moves on to another when the one it waits on has not answered: at once when that instance
 * leaves the cluster, and after {@link HistoryClientOptions#attemptTimeout()} while another live
 * instance is left to try; also when the instance has no handler yet (it is starting) or cannot be
 * reached. An answer ends the call, even a failure the history service reports: another instance
 * over the same store would answer the same. So a killed instance costs its callers the time the
 * cluster takes to notice, not the whole {@link HistoryClientOptions#timeout()}.
 *
 * <p>Trying again elsewhere is safe for every call. Reads are idempotent. An append the first
 * instance did commit before it went away is not written twice: the store fences it (its seqs are
 * taken: {@link AppendResult.Conflict}) or finds its dedupe keys ({@link AppendResult.Duplicates}),
 * and the sequencer continues from what the store says, as after any unknown outcome.
 *
 * <p>Thread-safe: one per process, shared by every event loop that calls the history service.
 * A call's result completes on the caller's context.
 */
public final class EventBusMessageLog implements MessageLog, Stoppable {

  private static final Logger log = LoggerFactory.getLogger(EventBusMessageLog.class);

  private static final long FIRST_ROUND_PAUSE_MS = 50;
  private static final long MAX_ROUND_PAUSE_MS = 800;

  private final Vertx vertx;
  private final HistoryClientOptions options;
  private final LongSupplier clock;
  private final HistoryInstances instances;
  /** Attempts waiting on an instance's answer. */
  private final Set<Attempt> waiting = ConcurrentHashMap.newKeySet();

  /**
   * @param cluster where the live history instances are read from; watched until {@link #stop}
   * @param clock wall-clock milliseconds the calls' deadlines are measured on
   */
  public EventBusMessageLog(Vertx vertx, ClusterView cluster, HistoryClientOptions options, LongSupplier clock) {
    this.vertx = vertx;
    this.options = options;
    this.clock = clock;
    this.instances = new HistoryInstances(cluster, clock, options.timeout().toMillis(), this::failOver);
  }

  @Override
  public Future<RoomState> state(String room) {
    return call(HistoryOps.STATE, HistoryProtocol.stateRequest(room)).map(HistoryProtocol::decodeState);
  }

  @Override
  public Future<AppendResult> append(String room, String epoch, List<StoredMessage> batch) {
    return call(HistoryOps.APPEND, HistoryProtocol.appendRequest(room, epoch, batch))
        .map(HistoryProtocol::decodeAppendResult);
  }

  @Override
  public Future<HistoryPage> after(String room, long afterSeq, int limit) {
    return call(HistoryOps.PAGE, HistoryProtocol.pageRequest(room, afterSeq, limit)).map(HistoryProtocol::decodePage);
  }

  @Override
  public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
    return call(HistoryOps.PAGE, HistoryProtocol.pageBeforeRequest(room, beforeSeq, limit))
        .map(HistoryProtocol::decodePage);
  }

  /** Stops watching the membership. */
  @Override
  public Future<Void> stop() {
    instances.close();
    return Future.succeededFuture();
  }

  private Future<JsonObject> call(String op, JsonObject body) {
    return attempt(new Call(op, body, clock.getAsLong() + options.timeout().toMillis()));
  }

  /**
   * Tries the call on the next instance, and on the one after that while none answers, until the
   * deadline. Once every live instance was tried without an answer (none had its handler bound
   * yet, as during a restart or a merge, or the one asked left), it pauses and goes round again
   * while the deadline allows; with no instance live it fails at once.
   */
  private Future<JsonObject> attempt(Call call) {
    long remaining = call.deadline - clock.getAsLong();
    String instance = remaining > 0 ? instances.next(call.tried) : null;
    if (instance == null) {
      if (remaining <= 0 || call.last == null || !instances.anyLive()) {
        return Future.failedFuture(call.failure());
      }
      long pause = Math.min(remaining, call.nextPause());
      call.tried.clear();
      return vertx.timer(pause).compose(v -> attempt(call));
    }
    call.tried.add(instance);
    long timeout = instances.anyUntried(call.tried) ? Math.min(remaining, options.attemptTimeout().toMillis()) : remaining;
    return send(instance, call, timeout).recover(failure -> {
      if (!unanswered(failure)) {
        return Future.failedFuture(failure);
      }
      if (BusError.isTimeout(failure)) {
        instances.suspect(instance);
      }
      call.last = failure;
      return attempt(call);
    });
  }

  /** One request to one instance; fails at once if the instance leaves the cluster before it answers. */
  private Future<JsonObject> send(String instance, Call call, long timeoutMs) {
    Attempt attempt = new Attempt(instance, vertx.getOrCreateContext(), Promise.promise());
    waiting.add(attempt);
    try {
      // A clustered event bus encodes the request while sending it: a body nested deeper than the
      // JSON codec allows fails here, before anything leaves this process.
      vertx.eventBus().<JsonObject>request(Addresses.historyNode(instance), call.body,
          new DeliveryOptions().setSendTimeout(timeoutMs).addHeader(Addresses.OP, call.op)).onComplete(reply -> {
            if (reply.succeeded()) {
              attempt.answer.tryComplete(reply.result().body());
            } else {
              attempt.answer.tryFail(reply.cause());
            }
          });
    } catch (EncodeException e) {
      waiting.remove(attempt);
      return Future.failedFuture(new UnprocessableMessageException("the history request cannot be encoded", e));
    }
    if (!instances.isLive(instance)) {
      attempt.abandon(); // it left between being chosen and being waited on
    }
    return attempt.answer.future().andThen(done -> waiting.remove(attempt));
  }

  /** Fails every attempt waiting on an instance that left, so that its call moves on to another instance now. */
  private void failOver(Set<String> left) {
    int abandoned = 0;
    for (Attempt attempt : waiting) {
      if (left.contains(attempt.instance)) {
        attempt.abandon();
        abandoned++;
      }
    }
    log.atInfo().addKeyValue("instances", left).addKeyValue("requests", abandoned)
        .log("history instances left the cluster; the requests waiting on them are retried on the others");
  }

  /** The instance did not answer: the request timed out, found no handler, could not be delivered, or its instance left. */
  private static boolean unanswered(Throwable failure) {
    return failure instanceof ReplyException re && re.failureType() != ReplyFailure.RECIPIENT_FAILURE;
  }

  /** One history call across its attempts; used by one attempt at a time. */
  private static final class Call {
    final String op;
    final JsonObject body;
    final long deadline;
    final Set<String> tried = new HashSet<>();
    Throwable last;
    /** The pause before the next round over every instance: doubles from 50 ms up to 800 ms. */
    private long pauseMs = FIRST_ROUND_PAUSE_MS;

    Call(String op, JsonObject body, long deadline) {
      this.op = op;
      this.body = body;
      this.deadline = deadline;
    }

    long nextPause() {
      long pause = pauseMs;
      pauseMs = Math.min(pauseMs * 2, MAX_ROUND_PAUSE_MS);
      return pause;
    }

    /** Why the call ends without an answer: the last attempt's failure, or that no instance was there to try. */
    Throwable failure() {
      return last != null ? last : new ReplyException(ReplyFailure.NO_HANDLERS, "no history instance is running");
    }
  }

  /** A request waiting on {@code instance}'s answer, made on {@code context}. */
  private record Attempt(String instance, Context context, Promise<JsonObject> answer) {

    /** Fails the attempt on its caller's context, as an unanswered request. */
    void abandon() {
      context.runOnContext(v -> answer.tryFail(
          new ReplyException(ReplyFailure.ERROR, "history instance " + instance + " left the cluster")));
    }
  }
}
