package io.switchboard.gateway.room;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests waiting for a room-service instance's answer, by instance. When an instance leaves the
 * cluster, the requests still waiting for it fail at once with {@link OwnerLeftException}, so the
 * gateway resends them to the rooms' next owner instead of waiting out their attempt: a member that
 * went silent (a frozen process, an address that vanished) is noticed only when the cluster drops
 * it, and from then on no answer from it can be counted on. Event-loop confined.
 */
final class AwaitedOwners {

  private final Map<String, Set<Promise<?>>> waiting = new HashMap<>();

  /** {@code answer}, unless {@code owner} leaves the cluster first: then an {@link OwnerLeftException}. */
  <T> Future<T> await(String owner, Future<T> answer) {
    Promise<T> result = Promise.promise();
    Set<Promise<?>> ofOwner = waiting.computeIfAbsent(owner, o -> new HashSet<>());
    ofOwner.add(result);
    answer.onComplete(ar -> {
      ofOwner.remove(result);
      if (ofOwner.isEmpty()) {
        waiting.remove(owner, ofOwner);
      }
      if (ar.succeeded()) {
        result.tryComplete(ar.result());
      } else {
        result.tryFail(ar.cause());
      }
    });
    return result.future();
  }

  /**
   * Fails every request waiting for an instance that is not in {@code members}. Call it after the
   * owners were recomputed: the failed requests are resent from their callbacks, to the next owner.
   */
  void retain(Set<String> members) {
    List<Map.Entry<String, Set<Promise<?>>>> left = new ArrayList<>();
    waiting.entrySet().removeIf(e -> !members.contains(e.getKey()) && left.add(e));
    for (Map.Entry<String, Set<Promise<?>>> e : left) {
      OwnerLeftException cause = new OwnerLeftException(e.getKey());
      List.copyOf(e.getValue()).forEach(p -> p.tryFail(cause));
    }
  }

  /** The instance a request was waiting for left the cluster before it answered. */
  static final class OwnerLeftException extends RuntimeException {
    OwnerLeftException(String owner) {
      super("room-service instance " + owner + " left the cluster before it answered", null, false, false);
    }
  }
}
