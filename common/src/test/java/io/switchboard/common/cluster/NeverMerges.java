package io.switchboard.common.cluster;

/** For tests: a cluster view that never splits nor merges, so merge listeners are never called. */
public interface NeverMerges extends ClusterView {

  @Override
  default Registration onMergeStart(Runnable listener) {
    return () -> { };
  }

  @Override
  default Registration onRejoin(Runnable listener) {
    return () -> { };
  }
}
