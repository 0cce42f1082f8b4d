package dev.byoc.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Only a bad record is dead-lettered and only a refusal is final: everything else is retried. */
class FaultTest {
    static class Refused extends RuntimeException implements Fault.Refusal {
    }

    static class Changed extends RuntimeException implements Fault.Conflict {
    }

    @Test
    void aRecordThatBreaksTheContractIsTheOnlyOneForTheDlq() {
        assertThat(Fault.of(new InvalidRecordException("no ce_type"))).isEqualTo(Fault.BAD_RECORD);
        assertThat(Fault.of(new CompletionException(new InvalidRecordException("wrapped")))).isEqualTo(Fault.BAD_RECORD);
        assertThat(Fault.BAD_RECORD.retried()).isFalse();
    }

    /** A value no row can hold (a NUL byte in text, a number out of range) is the record's: retrying never helps. */
    @ParameterizedTest
    @ValueSource(strings = {"22021", "22P02", "22003"})
    void aValueTheDatabaseCannotHoldIsABadRecord(String state) {
        assertThat(Fault.of(new PgException("bad value", "ERROR", state, null))).isEqualTo(Fault.BAD_RECORD);
    }

    @Test
    void aRefusalIsAnsweredNotRetried() {
        assertThat(Fault.of(new IllegalStateException(new Refused()))).isEqualTo(Fault.REFUSED);
        assertThat(Fault.REFUSED.retried()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01", "57P01", "53300", "08006"})
    void databaseOutagesAreRetried(String state) {
        assertThat(Fault.of(new PgException("down", "ERROR", state, null))).isEqualTo(Fault.OUTAGE);
    }

    @Test
    void brokerOutagesAreRetried() {
        assertThat(Fault.of(new NotLeaderOrFollowerException("moving"))).isEqualTo(Fault.OUTAGE);
        assertThat(Fault.of(new org.apache.kafka.common.errors.TimeoutException("no ack"))).isEqualTo(Fault.OUTAGE);
    }

    @Test
    void aLostRaceIsRetried() {
        assertThat(Fault.of(new Changed())).isEqualTo(Fault.CONFLICT);
        assertThat(Fault.of(new org.hibernate.StaleObjectStateException("Cluster", 1))).isEqualTo(Fault.CONFLICT);
        assertThat(Fault.isConflict(new jakarta.persistence.OptimisticLockException("stale"))).isTrue();
        assertThat(Fault.CONFLICT.retried()).isTrue();
    }

    /** A unique violation or a bad statement in a consumer is our bug, not the record's: the record waits. */
    @ParameterizedTest
    @ValueSource(strings = {"23505", "42P01", "42703"})
    void unknownDatabaseErrorsAndBugsAreRetriedNotDeadLettered(String state) {
        assertThat(Fault.of(new PgException("bug", "ERROR", state, null))).isEqualTo(Fault.UNEXPECTED);
        assertThat(Fault.of(new NullPointerException())).isEqualTo(Fault.UNEXPECTED);
        assertThat(Fault.UNEXPECTED.retried()).isTrue();
    }
}
