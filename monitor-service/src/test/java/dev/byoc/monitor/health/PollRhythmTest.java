package dev.byoc.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PollRhythmTest {
    private static final Duration INTERVAL = Duration.ofSeconds(30);
    private final PollRhythm rhythm = new PollRhythm(INTERVAL, Duration.ZERO);

    @Test
    void aClusterComesBackAtTheSameSlotOfEveryInterval() {
        UUID cluster = UUID.randomUUID();
        Instant now = Instant.parse("2026-12-02T04:00:00.123Z");
        Instant first = rhythm.next(cluster, now);
        assertThat(first).isAfter(now).isBeforeOrEqualTo(now.plus(INTERVAL));
        // polled a little late (a busy round): still the same slot, one interval on
        Instant second = rhythm.next(cluster, first.plusMillis(1_700));
        assertThat(Duration.between(first, second)).isEqualTo(INTERVAL);
        // polled early (validated, polled at once): the next slot, never a second poll within the interval's slot
        assertThat(rhythm.next(cluster, first.minusMillis(5))).isEqualTo(first);
    }

    @Test
    void aFleetPolledAtTheSameMomentIsSpreadEvenlyOverTheInterval() {
        // 10,000 clusters all due at once (a restart): their next polls fill the 30 one-second buckets evenly
        Instant now = Instant.parse("2026-12-02T04:00:00Z");
        int[] perSecond = new int[30];
        java.util.Random ids = new java.util.Random(15); // seeded: random ids, the same on every run
        for (int i = 0; i < 10_000; i++) {
            Instant next = rhythm.next(new UUID(ids.nextLong(), ids.nextLong()), now);
            perSecond[(int) (Duration.between(now, next).toMillis() - 1) / 1000]++;
        }
        for (int count : perSecond) {
            assertThat(count).as("polls in one second of 30, ideally 333").isBetween(250, 420);
        }
    }

    @Test
    void jitterOnlyAddsUpToItsBound() {
        PollRhythm jittered = new PollRhythm(INTERVAL, Duration.ofSeconds(5));
        UUID cluster = UUID.randomUUID();
        Instant now = Instant.now();
        Instant slot = rhythm.next(cluster, now);
        for (int i = 0; i < 100; i++) {
            assertThat(jittered.next(cluster, now)).isBetween(slot, slot.plusSeconds(5));
        }
    }
}
