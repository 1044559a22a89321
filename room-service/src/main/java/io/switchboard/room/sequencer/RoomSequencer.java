package io.switchboard.room.sequencer;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.MessageLog;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.switchboard.common.log.LogLimiter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The single sequencer of one room on its shard owner. Sends queue up (bounded); at most one
 * batch per room is being committed at a time, so seqs commit in order and a failed batch never
 * leaves a gap. A send is acknowledged only after its batch is durable; only then is the batch fanned
 * out, once per subscribed gateway instance.
 *
 * <p>The store fences stale owners: an append whose first seq does not continue the room is
 * refused with a conflict carrying the real top, and the sequencer continues from there. When a
 * store call fails with an unknown outcome, the batch is retried after reloading the room's state;
 * messages that did commit come back as duplicates with their seqs. Retries are bounded: a send
 * not committed by its deadline ({@link SequencerOptions#sendDeadline()}) fails as unavailable.
 *
 * <p>A bad message fails alone. When the store refuses a batch for good ({@link AppendFailure}),
 * nothing of it was written; the sequencer splits it in halves and appends each on its own,
 * splitting again whatever is refused again, until each message at fault is alone. Only those fail,
 * as unprocessable; the others commit in order with consecutive seqs.
 *
 * <p>Not thread-safe: used from the room-service verticle's event loop only.
 */
public final class RoomSequencer {

  private static final Logger log = LoggerFactory.getLogger(RoomSequencer.class);

  private enum Phase { UNLOADED, LOADING, READY, CLOSED }

  private final String room;
  private final MessageLog store;
  private final FanOut fanOut;
  private final SequencerOptions options;
  private final Vertx vertx;
  private final LongSupplier clock;
  private final LogLimiter logLimiter;

  private Phase phase = Phase.UNLOADED;
  private long top;
  private String epoch;
  /** Highest seq this owner has fanned out; 0 until its first commit. */
  private long fannedOut;
  private boolean inFlight;
  private boolean retryScheduled;
  private int consecutiveFailures;
  private long lastActivity;

  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Map<String, Pending> pendingByKey = new HashMap<>();
  private final LinkedHashMap<String, Long> recent;
  private final Set<String> subscribers = new TreeSet<>();
  private final List<Promise<RoomState>> loadWaiters = new ArrayList<>();
  /** Completed once the room is closed and its last batch has been answered by the store. */
  private final Promise<Void> settled = Promise.promise();

  /**
   * @param logLimiter caps the lines failures write to the log; share one across the process's
   *     rooms, so that failures of many rooms at once cannot flood it
   */
  public RoomSequencer(String room, MessageLog store, FanOut fanOut, SequencerOptions options, Vertx vertx,
                       LongSupplier clock, LogLimiter logLimiter) {
    this.room = room;
    this.logLimiter = logLimiter;
    this.store = store;
    this.fanOut = fanOut;
    this.options = options;
    this.vertx = vertx;
    this.clock = clock;
    this.lastActivity = clock.getAsLong();
    int cacheSize = options.dedupeCacheSize();
    this.recent = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > cacheSize;
      }
    };
  }

  /** Queues a send; completes with its seq once committed (the first seq if it is a retry). */
  public Future<Long> send(String sender, String clientMsgId, Object body) {
    if (phase == Phase.CLOSED) {
      return Future.failedFuture(BusError.NOT_OWNER.exception("room " + room + " moved"));
    }
    lastActivity = clock.getAsLong();
    StoredMessage draft = new StoredMessage(room, 0, sender, clientMsgId, body, lastActivity);
    String key = draft.dedupeKey();
    Long committed = recent.get(key);
    if (committed != null) {
      return Future.succeededFuture(committed);
    }
    Pending already = pendingByKey.get(key);
    if (already != null) {
      return already.promise.future();
    }
    if (queue.size() >= options.maxPending()) {
      return Future.failedFuture(BusError.OVERLOADED.exception("room " + room + " has too many pending sends"));
    }
    Pending p = new Pending(draft, Promise.promise(), lastActivity + options.sendDeadline().toMillis());
    queue.addLast(p);
    pendingByKey.put(key, p);
    pump();
    return p.promise.future();
  }

  /** Adds a gateway instance to the room's fan-out; completes with the committed top and epoch. */
  public Future<RoomState> subscribe(String subscriber) {
    if (phase == Phase.CLOSED) {
      return Future.failedFuture(BusError.NOT_OWNER.exception("room " + room + " moved"));
    }
    lastActivity = clock.getAsLong();
    subscribers.add(subscriber);
    if (phase == Phase.READY) {
      return Future.succeededFuture(new RoomState(top, epoch));
    }
    Promise<RoomState> waiter = Promise.promise();
    loadWaiters.add(waiter);
    load();
    return waiter.future();
  }

  public void unsubscribe(String subscriber) {
    subscribers.remove(subscriber);
  }

  /** Drops every subscriber whose id does not satisfy {@code alive} (its gateway left the cluster). */
  public void retainSubscribers(Predicate<String> alive) {
    subscribers.removeIf(s -> !alive.test(s));
  }

  /**
   * The shard moved away: refuses what is queued with {@code NOT_OWNER} so gateways resend to the
   * new owner. A batch already being committed still completes and is acknowledged.
   *
   * @return completes once no batch of this room is being committed any more
   */
  public Future<Void> close() {
    phase = Phase.CLOSED;
    if (!inFlight) {
      settled.tryComplete();
    }
    for (Pending p : queue) {
      pendingByKey.remove(p.draft.dedupeKey());
      p.promise.tryFail(BusError.NOT_OWNER.exception("room " + room + " moved"));
    }
    queue.clear();
    loadWaiters.forEach(w -> w.tryFail(BusError.NOT_OWNER.exception("room " + room + " moved")));
    loadWaiters.clear();
    return settled.future();
  }

  /** True when nothing is queued, committing or subscribed and the room was quiet since {@code before}. */
  public boolean idleSince(long before) {
    return !inFlight && queue.isEmpty() && subscribers.isEmpty() && loadWaiters.isEmpty() && lastActivity < before;
  }

  public long top() {
    return top;
  }

  public Set<String> subscribers() {
    return Set.copyOf(subscribers);
  }

  private void load() {
    if (phase != Phase.UNLOADED) {
      return;
    }
    phase = Phase.LOADING;
    guarded(() -> store.state(room)).onComplete(ar -> {
      if (phase == Phase.CLOSED) {
        return;
      }
      if (ar.failed()) {
        phase = Phase.UNLOADED;
        consecutiveFailures++;
        logStoreFailure("loading room state", ar.cause());
        loadWaiters.forEach(w -> w.tryFail(BusError.UNAVAILABLE.exception("history unavailable")));
        loadWaiters.clear();
        retryLater();
        return;
      }
      adopt(ar.result().top(), ar.result().epoch());
      phase = Phase.READY;
      loadWaiters.forEach(w -> w.tryComplete(new RoomState(top, epoch)));
      loadWaiters.clear();
      catchUpFanOut();
      pump();
    });
  }

  private void adopt(long newTop, String newEpoch) {
    if (epoch != null && !epoch.equals(newEpoch)) {
      log.atWarn().addKeyValue("room", room).addKeyValue("epoch", newEpoch)
          .log("room history lineage changed; forgetting cached dedupe keys");
      recent.clear();
      fannedOut = 0;
    }
    top = newTop;
    epoch = newEpoch;
  }

  private void pump() {
    if (inFlight || retryScheduled) {
      return;
    }
    expireOverdue();
    if (queue.isEmpty()) {
      return;
    }
    if (phase != Phase.READY) {
      load();
      return;
    }
    List<Pending> batch = nextBatch();
    List<StoredMessage> messages = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      messages.add(batch.get(i).draft.withSeq(top + 1 + i));
    }
    Future<AppendResult> append;
    try {
      append = store.append(room, epoch, messages);
    } catch (RuntimeException | StackOverflowError e) {
      // Nothing was sent: the store, or the event bus encoding the request, refused it outright.
      onRefused(batch, e, AppendFailure.of(e, true));
      return;
    }
    inFlight = true;
    append.onComplete(ar -> {
      inFlight = false;
      onAppended(batch, messages, ar);
      if (phase == Phase.CLOSED) {
        settled.tryComplete();
      }
    });
  }

  private void onAppended(List<Pending> batch, List<StoredMessage> messages, AsyncResult<AppendResult> ar) {
    if (ar.succeeded()) {
      onAppendResult(batch, messages, ar.result());
      pump();
      return;
    }
    AppendFailure failure = AppendFailure.of(ar.cause(), false);
    if (failure.permanent()) {
      onRefused(batch, ar.cause(), failure);
    } else {
      onAppendFailure(batch, ar.cause());
    }
  }

  /**
   * The sends at the head of the queue that go into the next append: up to {@code maxBatch}, or,
   * while a refused batch is being isolated, only its sends and no more than their split size.
   */
  private List<Pending> nextBatch() {
    boolean isolating = queue.peekFirst().isolationBatch > 0;
    int limit = options.maxBatch();
    List<Pending> batch = new ArrayList<>(Math.min(limit, queue.size()));
    while (!queue.isEmpty()) {
      Pending p = queue.peekFirst();
      if ((p.isolationBatch > 0) != isolating) {
        break;
      }
      if (isolating) {
        limit = Math.min(limit, p.isolationBatch);
      }
      if (batch.size() >= limit) {
        break;
      }
      batch.add(queue.pollFirst());
    }
    return batch;
  }

  private void onAppendResult(List<Pending> batch, List<StoredMessage> messages, AppendResult result) {
    if (consecutiveFailures > 0) {
      log.atInfo().addKeyValue("room", room).addKeyValue("failures", consecutiveFailures)
          .log("history answers again");
      consecutiveFailures = 0;
    }
    if (result instanceof AppendResult.Appended appended) {
      adopt(appended.top(), appended.epoch());
      for (int i = 0; i < batch.size(); i++) {
        complete(batch.get(i), messages.get(i).seq());
      }
      fanOut(messages);
    } else if (result instanceof AppendResult.Duplicates dup) {
      List<Pending> retry = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        Long existing = dup.existingSeqs().get(i);
        if (existing != null) {
          complete(batch.get(i), existing);
        } else {
          retry.add(batch.get(i));
        }
      }
      adopt(dup.top(), dup.epoch());
      requeueFront(retry);
      catchUpFanOut();
    } else {
      AppendResult.Conflict conflict = (AppendResult.Conflict) result;
      log.atInfo().addKeyValue("room", room).addKeyValue("seq", top + 1).addKeyValue("storeTop", conflict.top())
          .log("append fenced: another owner advanced the room; continuing from the store's top");
      adopt(conflict.top(), conflict.epoch());
      requeueFront(batch);
      catchUpFanOut();
    }
  }

  /**
   * The store will never take this batch as it is, and wrote none of it. A lone message is refused;
   * a larger batch is split: its halves go back to the head of the queue, each to be appended on
   * its own (a half refused again is split again). Every split at least halves the batch, so each
   * message at fault ends up alone after about log2(maxBatch) appends, and the others commit in
   * their order, gap-free.
   */
  private void onRefused(List<Pending> batch, Throwable cause, AppendFailure failure) {
    if (batch.size() == 1) {
      refuse(batch.get(0), cause, failure);
    } else {
      int half = (batch.size() + 1) / 2;
      log.atDebug().addKeyValue("room", room).addKeyValue("seq", top + 1).addKeyValue("batch", batch.size())
          .log("append refused; isolating the message at fault in halves of {}: {}", half, cause.toString());
      batch.forEach(p -> p.isolationBatch = half);
      requeueFront(batch);
    }
    // Next on a later turn of the loop: a store that refuses synchronously must not make the
    // sequencer recurse once per split.
    vertx.runOnContext(v -> pump());
  }

  /** Fails one message for good: its sender gets the non-temporary {@code UNPROCESSABLE}. */
  private void refuse(Pending p, Throwable cause, AppendFailure failure) {
    pendingByKey.remove(p.draft.dedupeKey());
    boolean messageAtFault = failure == AppendFailure.REFUSED;
    long suppressed = logLimiter.acquire(messageAtFault ? "message-refused" : "store-threw");
    if (suppressed != LogLimiter.DENIED) {
      log.atLevel(messageAtFault ? Level.WARN : Level.ERROR).addKeyValue("room", room)
          .addKeyValue("user", printable(p.draft.sender())).addKeyValue("suppressed", suppressed)
          .setCause(messageAtFault ? null : cause)
          .log("message failed alone as unprocessable: {}", printable(cause.toString()));
    }
    p.promise.tryFail(BusError.UNPROCESSABLE.exception("room " + room + ": this message cannot be stored as sent"));
  }

  private void onAppendFailure(List<Pending> batch, Throwable cause) {
    consecutiveFailures++;
    logStoreFailure("append of " + batch.size() + " messages", cause);
    if (phase == Phase.CLOSED) {
      batch.forEach(p -> {
        pendingByKey.remove(p.draft.dedupeKey());
        p.promise.tryFail(BusError.NOT_OWNER.exception("room " + room + " moved"));
      });
      return;
    }
    requeueFront(batch);
    phase = Phase.UNLOADED;
    retryLater();
  }

  private void complete(Pending p, long seq) {
    String key = p.draft.dedupeKey();
    pendingByKey.remove(key);
    recent.put(key, seq);
    p.promise.tryComplete(seq);
  }

  private void requeueFront(List<Pending> batch) {
    if (phase == Phase.CLOSED) {
      batch.forEach(p -> {
        pendingByKey.remove(p.draft.dedupeKey());
        p.promise.tryFail(BusError.NOT_OWNER.exception("room " + room + " moved"));
      });
      return;
    }
    for (int i = batch.size() - 1; i >= 0; i--) {
      queue.addFirst(batch.get(i));
    }
  }

  private void fanOut(List<StoredMessage> messages) {
    if (messages.isEmpty()) {
      return;
    }
    fannedOut = Math.max(fannedOut, messages.get(messages.size() - 1).seq());
    if (!subscribers.isEmpty()) {
      fanOut.deliver(subscribers, room, epoch, messages);
    }
  }

  /**
   * After an unknown outcome or a fence, messages may be committed that this owner never fanned
   * out. Read them back and deliver them so gateways need not wait for the next message to notice.
   */
  private void catchUpFanOut() {
    if (fannedOut == 0) {
      // A fresh owner: gateways learn the top when they subscribe and repair from history.
      fannedOut = top;
      return;
    }
    if (top <= fannedOut) {
      return;
    }
    long from = fannedOut;
    fannedOut = top;
    if (subscribers.isEmpty()) {
      return;
    }
    List<String> targets = List.copyOf(subscribers);
    store.after(room, from, (int) Math.min(1000, top - from))
        .onSuccess(page -> fanOut.deliver(targets, room, page.epoch(), page.messages()))
        .onFailure(e -> log.atWarn().addKeyValue("room", room)
            .log("catch-up fan-out failed; gateways will repair from history: {}", e.toString()));
  }

  /**
   * Fails the queued sends whose deadline has passed with the temporary {@code UNAVAILABLE} and
   * drops them, so that a store outage is never retried forever and the queue drains. This is safe
   * even for a send whose earlier append has an unknown outcome (it may be durable): its client
   * retries with the same clientMsgId, and the store deduplicates by (sender, clientMsgId), so the
   * retry gets the seq the message already has, or commits it now. Nothing is acknowledged that
   * is not committed. The queue is in deadline order (sends join at the back with the same time
   * limit and return to the front in order), so only its head needs checking.
   */
  private void expireOverdue() {
    long now = clock.getAsLong();
    int expired = 0;
    while (!queue.isEmpty() && queue.peekFirst().deadline <= now) {
      Pending p = queue.pollFirst();
      pendingByKey.remove(p.draft.dedupeKey());
      p.promise.tryFail(BusError.UNAVAILABLE.exception("room " + room + ": history did not commit the message in time"));
      expired++;
    }
    if (expired > 0) {
      long suppressed = logLimiter.acquire("sends-expired");
      if (suppressed != LogLimiter.DENIED) {
        log.atWarn().addKeyValue("room", room).addKeyValue("expired", expired).addKeyValue("suppressed", suppressed)
            .log("sends not committed within {} failed as unavailable", options.sendDeadline());
      }
    }
  }

  /**
   * Logs the first failure of a streak; the retries that follow are logged at DEBUG until the
   * history service answers again. A failure of the event bus or one the history service
   * reported (time-out, no handlers, unavailable) is expected in an outage: WARN, no stack trace.
   * Anything else is unexpected: ERROR with its stack trace.
   */
  private void logStoreFailure(String what, Throwable cause) {
    if (consecutiveFailures > 1) {
      log.atDebug().addKeyValue("room", room).addKeyValue("failures", consecutiveFailures)
          .log("{} failed again, will reload and retry: {}", what, cause.toString());
      return;
    }
    boolean expected = cause instanceof ReplyException;
    long suppressed = logLimiter.acquire(expected ? "history-unavailable" : "store-failure");
    if (suppressed != LogLimiter.DENIED) {
      log.atLevel(expected ? Level.WARN : Level.ERROR).addKeyValue("room", room).addKeyValue("suppressed", suppressed)
          .setCause(expected ? null : cause)
          .log("{} failed, outcome unknown; will reload and retry until the sends' deadline: {}", what, cause.toString());
    }
  }

  /** Client-chosen text made safe for one log line: control characters escaped, length capped. */
  private static String printable(String text) {
    StringBuilder out = new StringBuilder(Math.min(text.length(), 200) + 8);
    for (int i = 0; i < text.length() && out.length() < 200; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.length() < 200 ? out.toString() : out.append("...").toString();
  }

  private void retryLater() {
    if (retryScheduled) {
      return;
    }
    retryScheduled = true;
    long base = options.retryBackoff().toMillis() << Math.min(10, Math.max(0, consecutiveFailures - 1));
    long delay = Math.max(1, Math.min(options.maxRetryBackoff().toMillis(), base));
    vertx.timer(delay).onSuccess(v -> {
      retryScheduled = false;
      pump();
    });
  }

  /** A store that throws instead of failing its future must not wedge the room. */
  private static <T> Future<T> guarded(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A queued send. */
  private static final class Pending {
    final StoredMessage draft;
    final Promise<Long> promise;
    /** Clock time after which the send is failed as unavailable instead of being retried. */
    final long deadline;
    /**
     * 0 normally. While the send is being isolated from a batch the store refused, the most
     * messages it may be appended with; it only shrinks, so isolation ends.
     */
    int isolationBatch;

    Pending(StoredMessage draft, Promise<Long> promise, long deadline) {
      this.draft = draft;
      this.promise = promise;
      this.deadline = deadline;
    }
  }
}
