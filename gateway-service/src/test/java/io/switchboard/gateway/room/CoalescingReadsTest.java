package io.switchboard.gateway.room;

import io.switchboard.common.history.HistoryPage;
import io.switchboard.common.history.HistoryReader;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** After a gateway dies, its clients' identical recovery reads reach the history service once. */
class CoalescingReadsTest {

  /** A history whose reads stay in flight until the test answers them. */
  private static final class SlowHistory implements HistoryReader {
    final List<Promise<HistoryPage>> reads = new ArrayList<>();

    @Override
    public Future<HistoryPage> after(String room, long afterSeq, int limit) {
      return read();
    }

    @Override
    public Future<HistoryPage> before(String room, long beforeSeq, int limit) {
      return read();
    }

    private Future<HistoryPage> read() {
      Promise<HistoryPage> p = Promise.promise();
      reads.add(p);
      return p.future();
    }
  }

  private final SlowHistory history = new SlowHistory();
  private final CoalescingReads reads = new CoalescingReads(history);

  @Test
  void identicalReadsInFlightShareOneHistoryQueryAndItsAnswer() {
    Future<HistoryPage> first = reads.after("lobby", 41, 100);
    Future<HistoryPage> second = reads.after("lobby", 41, 100);

    assertThat(history.reads).hasSize(1);
    HistoryPage page = new HistoryPage(List.of(), 42, "e1", 1);
    history.reads.get(0).complete(page);
    assertThat(first.result()).isSameAs(page);
    assertThat(second.result()).isSameAs(page);
    assertThat(reads.shared()).isEqualTo(1);
  }

  @Test
  void differentRoomsPositionsOrLimitsAreNotShared() {
    reads.after("lobby", 41, 100);
    reads.after("lobby", 40, 100);
    reads.after("lobby", 41, 50);
    reads.after("kitchen", 41, 100);

    assertThat(history.reads).hasSize(4);
    assertThat(reads.shared()).isZero();
  }

  @Test
  void nothingIsCachedOnceTheReadCompletesAndFailuresReachEveryWaiter() {
    Future<HistoryPage> first = reads.after("lobby", 41, 100);
    Future<HistoryPage> joined = reads.after("lobby", 41, 100);
    history.reads.get(0).fail("history timed out");
    assertThat(first.failed()).isTrue();
    assertThat(joined.failed()).isTrue();

    reads.after("lobby", 41, 100);
    assertThat(history.reads).as("a later read asks history again").hasSize(2);
  }

  @Test
  void pagesBeforeASeqGoToHistoryEachTime() {
    reads.before("lobby", 41, 100);
    reads.before("lobby", 41, 100);

    assertThat(history.reads).hasSize(2);
    assertThat(reads.shared()).isZero();
  }
}
