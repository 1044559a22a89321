package io.switchboard.common.shard;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.zip.CRC32C;

/**
 * Maps a room to a virtual shard (a stable hash of the room id) and a shard to its owner among
 * the live instances of a service (rendezvous hashing). Every process computes the same answer
 * from the same membership, so ownership needs no coordination; when membership changes only the
 * shards of the instance that joined or left move.
 */
public final class ShardMap {

  /** The setting naming the number of virtual shards; it must be equal on every gateway and room service. */
  public static final String SHARDS = "room.shards";
  /** Default number of virtual shards. */
  public static final int DEFAULT_SHARDS = 1024;

  private final int shardCount;

  public ShardMap(int shardCount) {
    if (shardCount < 1) {
      throw new IllegalArgumentException("shardCount must be positive");
    }
    this.shardCount = shardCount;
  }

  /**
   * The shard map of {@code room.shards} ({@link #DEFAULT_SHARDS} when unset): the one place every
   * service that routes or owns rooms reads it.
   *
   * @throws ConfigException when the setting is not a positive integer
   */
  public static ShardMap from(ConfigSource src) {
    int shards = src.integer(SHARDS, DEFAULT_SHARDS);
    if (shards < 1) {
      throw new ConfigException(SHARDS + " must be positive, was " + shards);
    }
    return new ShardMap(shards);
  }

  public int shardCount() {
    return shardCount;
  }

  /** The virtual shard of a room: CRC-32C of its UTF-8 id, modulo the shard count. */
  public int shardOf(String room) {
    CRC32C crc = new CRC32C();
    crc.update(room.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % shardCount);
  }

  /** The owner of a shard among {@code nodes}: the node with the highest rendezvous score. */
  public String ownerOfShard(int shard, Collection<String> nodes) {
    String best = null;
    long bestScore = Long.MIN_VALUE;
    for (String node : nodes) {
      long score = mix(nodeHash(node) ^ (shard * 0x9E3779B97F4A7C15L));
      if (best == null || score > bestScore || (score == bestScore && node.compareTo(best) < 0)) {
        best = node;
        bestScore = score;
      }
    }
    return best;
  }

  /** The owner of a room among {@code nodes}, or {@code null} when there is none. */
  public String ownerOf(String room, Collection<String> nodes) {
    return ownerOfShard(shardOf(room), nodes);
  }

  /**
   * Every shard's owner among {@code nodes}, computed once. Callers that route every message keep
   * one per membership view instead of hashing the members again for each room lookup.
   */
  public Owners owners(Collection<String> nodes) {
    String[] owners = new String[shardCount];
    for (int shard = 0; shard < shardCount; shard++) {
      owners[shard] = ownerOfShard(shard, nodes);
    }
    return new Owners(owners);
  }

  /** Shard owners for one membership view; the same answers as {@link #ownerOf}. Immutable. */
  public final class Owners {

    private final String[] byShard;

    private Owners(String[] byShard) {
      this.byShard = byShard;
    }

    /** The owner of a room, or {@code null} when there was no node. */
    public String ownerOf(String room) {
      return byShard[shardOf(room)];
    }
  }

  private static long nodeHash(String node) {
    CRC32C crc = new CRC32C();
    crc.update(node.getBytes(StandardCharsets.UTF_8));
    long h = crc.getValue();
    return mix(h << 32 | node.length());
  }

  /** The SplitMix64 finaliser: spreads every input bit over the whole output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
