package io.switchboard.room.sequencer;

import io.switchboard.common.bus.BusError;
import io.switchboard.common.history.AppendResult;
import io.switchboard.common.history.MessageStore;
import io.switchboard.common.history.RoomState;
import io.switchboard.common.history.StoredMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * messages that did commit come back as duplicates with their seqs.
 *
 * <p>Not thread-safe: used from the room-service verticle's event loop only.
 */
public final class RoomSequencer {

  private static final Logger log = LoggerFactory.getLogger(RoomSequencer.class);

  private enum Phase { UNLOADED, LOADING, READY, CLOSED }

  private final String room;
  private final MessageStore store;
  private final FanOut fanOut;
  private final SequencerOptions options;
  private final Vertx vertx;
  private final LongSupplier clock;

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

  public RoomSequencer(String room, MessageStore store, FanOut fanOut, SequencerOptions options, Vertx vertx,
                       LongSupplier clock) {
    this.room = room;
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
    Pending p = new Pending(draft, Promise.promise());
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
   */
  public void close() {
    phase = Phase.CLOSED;
    for (Pending p : queue) {
      pendingByKey.remove(p.draft.dedupeKey());
      p.promise.tryFail(BusError.NOT_OWNER.exception("room " + room + " moved"));
    }
    queue.clear();
    loadWaiters.forEach(w -> w.tryFail(BusError.NOT_OWNER.exception("room " + room + " moved")));
    loadWaiters.clear();
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
        log.atWarn().addKeyValue("room", room).log("loading room state failed: {}", ar.cause().toString());
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
    if (inFlight || retryScheduled || queue.isEmpty()) {
      return;
    }
    if (phase != Phase.READY) {
      load();
      return;
    }
    int n = Math.min(options.maxBatch(), queue.size());
    List<Pending> batch = new ArrayList<>(n);
    List<StoredMessage> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Pending p = queue.pollFirst();
      batch.add(p);
      messages.add(p.draft.withSeq(top + 1 + i));
    }
    inFlight = true;
    guarded(() -> store.append(room, epoch, messages)).onComplete(ar -> {
      inFlight = false;
      if (ar.succeeded()) {
        onAppendResult(batch, messages, ar.result());
      } else {
        onAppendFailure(batch, ar.cause());
      }
      pump();
    });
  }

  private void onAppendResult(List<Pending> batch, List<StoredMessage> messages, AppendResult result) {
    if (result instanceof AppendResult.Appended appended) {
      consecutiveFailures = 0;
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

  private void onAppendFailure(List<Pending> batch, Throwable cause) {
    consecutiveFailures++;
    log.atWarn().addKeyValue("room", room).addKeyValue("batch", batch.size())
        .log("append outcome unknown, will reload and retry: {}", cause.toString());
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

  private void retryLater() {
    if (retryScheduled) {
      return;
    }
    retryScheduled = true;
    long base = options.retryBackoff().toMillis() << Math.min(10, Math.max(0, consecutiveFailures - 1));
    long delay = Math.max(1, Math.min(options.maxRetryBackoff().toMillis(), base));
    vertx.setTimer(delay, id -> {
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

  private record Pending(StoredMessage draft, Promise<Long> promise) {
  }
}
