package io.switchboard.common.shard;

import io.switchboard.common.config.ConfigException;
import io.switchboard.common.config.ConfigSource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardMapTest {

  private final ShardMap shards = new ShardMap(ShardMap.DEFAULT_SHARDS);
  private final List<String> nodes = List.of(
      "0b3c9a52-1f7e-4d5c-9a8e-2f1d3c4b5a69", "6d2e8f41-3a5b-4c7d-8e9f-0a1b2c3d4e5f", "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");

  @Test
  void aRoomAlwaysMapsToTheSameShard() {
    assertThat(shards.shardOf("lobby")).isEqualTo(shards.shardOf("lobby")).isBetween(0, 1023);
    assertThat(new ShardMap(1024).shardOf("lobby")).isEqualTo(shards.shardOf("lobby"));
  }

  @Test
  void ownershipDoesNotDependOnTheOrderMembersAreListed() {
    List<String> reversed = new ArrayList<>(nodes);
    java.util.Collections.reverse(reversed);
    IntStream.range(0, 1024).forEach(s ->
        assertThat(shards.ownerOfShard(s, nodes)).isEqualTo(shards.ownerOfShard(s, reversed)));
  }

  @Test
  void shardsSpreadEvenlyOverInstances() {
    Map<String, Integer> counts = new HashMap<>();
    IntStream.range(0, 1024).forEach(s -> counts.merge(shards.ownerOfShard(s, nodes), 1, Integer::sum));
    assertThat(counts).hasSize(3);
    assertThat(counts.values()).allMatch(c -> c > 1024 / 3 * 0.8 && c < 1024 / 3 * 1.2);
  }

  @Test
  void aJoiningInstanceTakesShardsOnlyFromOthersAndNothingElseMoves() {
    List<String> four = new ArrayList<>(nodes);
    four.add("a1b2c3d4-e5f6-4789-8abc-def012345678");
    int moved = 0;
    for (int s = 0; s < 1024; s++) {
      String before = shards.ownerOfShard(s, nodes);
      String after = shards.ownerOfShard(s, four);
      if (!before.equals(after)) {
        assertThat(after).as("a moved shard goes to the new instance").isEqualTo(four.get(3));
        moved++;
      }
    }
    assertThat(moved).isBetween((int) (1024 / 4 * 0.8), (int) (1024 / 4 * 1.2));
  }

  @Test
  void noInstancesMeansNoOwner() {
    assertThat(shards.ownerOf("lobby", List.of())).isNull();
  }

  @Test
  void theOwnerTableAnswersLikeOwnerOf() {
    ShardMap.Owners owners = shards.owners(nodes);
    IntStream.range(0, 5000).mapToObj(i -> "room-" + i)
        .forEach(room -> assertThat(owners.ownerOf(room)).isEqualTo(shards.ownerOf(room, nodes)));
    assertThat(shards.owners(List.of()).ownerOf("lobby")).isNull();
  }

  @Test
  void theShardCountIsTheRoomShardsSettingWith1024ByDefault() {
    assertThat(ShardMap.from(ConfigSource.empty()).shardCount()).isEqualTo(1024);
    assertThat(ShardMap.from(new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_ROOM_SHARDS", "64"))).shardCount())
        .isEqualTo(64);
    JsonObject file = new JsonObject().put("room", new JsonObject().put("shards", 16));
    assertThat(ShardMap.from(new ConfigSource(file, Map.of())).shardCount()).isEqualTo(16);
  }

  @Test
  void aShardCountBelowOneStopsTheServiceNamingTheSetting() {
    assertThatThrownBy(() -> ShardMap.from(new ConfigSource(new JsonObject(), Map.of("SWITCHBOARD_ROOM_SHARDS", "0"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining(ShardMap.SHARDS);
  }
}
