package io.switchboard.gateway.edge;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway process's connection budget, shared by all its verticle instances (thread-safe):
 * connections that have not authenticated yet, per address and in total, and authenticated
 * connections per user, each user with one send bucket for all its connections here. Also makes
 * the per-connection frame buckets, so every bucket runs on the same clock.
 */
public final class Admission {

  private final EdgeLimits limits;
  private final TimeMeter clock;
  private final BucketConfiguration frameBucket;
  private final BucketConfiguration sendBucket;
  /** New connections this process accepts per second, shared by its verticle instances; null: any pace. */
  private final Bucket connects;
  private final AtomicInteger unauthenticated = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private final ConcurrentMap<String, Integer> unauthenticatedByIp = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, UserSlot> users = new ConcurrentHashMap<>();

  public Admission(EdgeLimits limits, TimeMeter clock) {
    this.limits = limits;
    this.clock = clock;
    this.frameBucket = configuration(limits.frames());
    this.sendBucket = configuration(limits.sends());
    this.connects = limits.connects()
        .map(rate -> bucket(configuration(rate), SynchronizationStrategy.LOCK_FREE)).orElse(null);
  }

  public static Admission systemClock(EdgeLimits limits) {
    return new Admission(limits, TimeMeter.SYSTEM_NANOTIME);
  }

  private static BucketConfiguration configuration(EdgeLimits.Rate rate) {
    return BucketConfiguration.builder()
        .addLimit(l -> l.capacity(rate.burst()).refillGreedy(rate.perSecond(), Duration.ofSeconds(1)))
        .build();
  }

  public EdgeLimits limits() {
    return limits;
  }

  /**
   * A new connection from {@code ip}, not authenticated yet. False if the gateway is accepting new
   * connections at its highest pace ({@link EdgeLimits#connects}), or that address or the gateway
   * already holds its maximum of such connections: the caller refuses it. Otherwise the caller
   * must {@link #releaseUnauthenticated} it exactly once (on {@code hello} or close).
   */
  public boolean admitUnauthenticated(String ip) {
    if (connects != null && !connects.tryConsume(1)) {
      return false;
    }
    if (unauthenticated.incrementAndGet() > limits.maxUnauthenticated()) {
      unauthenticated.decrementAndGet();
      return false;
    }
    boolean[] admitted = {false};
    unauthenticatedByIp.compute(ip, (k, n) -> {
      int count = n == null ? 0 : n;
      if (count >= limits.maxUnauthenticatedPerIp()) {
        return n;
      }
      admitted[0] = true;
      return count + 1;
    });
    if (!admitted[0]) {
      unauthenticated.decrementAndGet();
    }
    return admitted[0];
  }

  public void releaseUnauthenticated(String ip) {
    unauthenticated.decrementAndGet();
    unauthenticatedByIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
  }

  /**
   * A connection refused for being over the caps of {@link #admitUnauthenticated}, to be answered
   * with when to retry rather than closed unanswered: true if fewer than
   * {@link EdgeLimits#maxAnsweredRefusals} such connections are waiting for their answer. The caller
   * must then {@link #releaseRefusal} it exactly once (on close).
   */
  public boolean admitRefusal() {
    if (refusals.incrementAndGet() > limits.maxAnsweredRefusals()) {
      refusals.decrementAndGet();
      return false;
    }
    return true;
  }

  public void releaseRefusal() {
    refusals.decrementAndGet();
  }

  /** Connections not authenticated yet, in total. */
  public int unauthenticated() {
    return unauthenticated.get();
  }

  /**
   * An authenticated connection of {@code user}: its slot (with the user's send bucket), or null
   * if the user already holds {@code maxConnectionsPerUser} connections here. Release the slot once
   * when the connection closes.
   */
  public UserSlot admitUser(String user) {
    boolean[] admitted = {false};
    UserSlot slot = users.compute(user, (k, s) -> {
      UserSlot current = s == null ? new UserSlot(user, bucket(sendBucket, SynchronizationStrategy.LOCK_FREE)) : s;
      if (current.connections < limits.maxConnectionsPerUser()) {
        current.connections++;
        admitted[0] = true;
      }
      return current;
    });
    return admitted[0] ? slot : null;
  }

  /** Connections this user holds here. */
  public int connections(String user) {
    UserSlot s = users.get(user);
    return s == null ? 0 : s.connections;
  }

  /** Forgets users with no connection here whose send bucket has refilled; run it every few seconds. */
  public void sweep() {
    long burst = limits.sends().burst();
    for (String user : users.keySet()) {
      users.computeIfPresent(user, (k, s) -> s.connections <= 0 && s.sends.getAvailableTokens() >= burst ? null : s);
    }
  }

  /** A connection's own frame bucket; used from its event loop only. */
  public Bucket frameBucket() {
    return bucket(frameBucket, SynchronizationStrategy.NONE);
  }

  private Bucket bucket(BucketConfiguration configuration, SynchronizationStrategy sync) {
    return Bucket.builder().withCustomTimePrecision(clock).withSynchronizationStrategy(sync)
        .addLimit(configuration.getBandwidths()[0]).build();
  }

  /** One user's share of this gateway: its connection count and its send bucket. */
  public final class UserSlot {
    private final String user;
    private final Bucket sends;
    private int connections;

    private UserSlot(String user, Bucket sends) {
      this.user = user;
      this.sends = sends;
    }

    public Bucket sends() {
      return sends;
    }

    /**
     * The connection closed. The slot outlives its last connection until {@link #sweep} finds its
     * bucket full again, so that reconnecting does not refill a user's send bucket.
     */
    public void release() {
      users.computeIfPresent(user, (k, s) -> {
        s.connections--;
        return s;
      });
    }
  }
}
