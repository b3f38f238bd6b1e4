package io.bpfkeeper.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.bpfkeeper.daemon.metrics.OwnedObjectMetrics.UidRow;
import io.bpfkeeper.daemon.policy.Usage.OfUid;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The per-uid series stay bounded however many uids own objects. */
class OwnedObjectMetricsTest {

    @Test
    void fewUidsAreEachNamedAndNothingIsOther() {
        List<UidRow> rows = OwnedObjectMetrics.topUids(List.of(new OfUid(1000, 3, 4096), new OfUid(0, 1, 8192)), 10);

        assertThat(rows).containsExactly(new UidRow("0", 1, 8192), new UidRow("1000", 3, 4096));
    }

    @Test
    void pastTheNamedUidsTheRestAddUpUnderOther() {
        // uid 2000 + i owns i + 1 objects charged (i + 1) KiB: the ten largest are 2019 down to 2010.
        List<OfUid> uids = IntStream.range(0, 20).mapToObj(i -> new OfUid(2000 + i, i + 1, (i + 1) * 1024L)).toList();

        List<UidRow> rows = OwnedObjectMetrics.topUids(uids, 10);

        assertThat(rows).hasSize(11);
        assertThat(rows.subList(0, 10)).extracting(UidRow::uid)
                .containsExactly("2019", "2018", "2017", "2016", "2015", "2014", "2013", "2012", "2011", "2010");
        // The other ten own 1 + 2 + … + 10 = 55 objects, charged 55 KiB.
        assertThat(rows.get(10)).isEqualTo(new UidRow(OwnedObjectMetrics.OTHER_UIDS, 55, 55 * 1024L));
    }

    @Test
    void equalChargesRankByObjectsThenUidSoTheSeriesDoNotFlap() {
        List<UidRow> rows = OwnedObjectMetrics.topUids(
                List.of(new OfUid(7, 1, 100), new OfUid(5, 1, 100), new OfUid(6, 2, 100)), 2);

        assertThat(rows).containsExactly(new UidRow("6", 2, 100), new UidRow("5", 1, 100),
                new UidRow(OwnedObjectMetrics.OTHER_UIDS, 1, 100));
    }
}
