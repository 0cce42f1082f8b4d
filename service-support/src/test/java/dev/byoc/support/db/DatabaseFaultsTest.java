package dev.byoc.support.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.impl.NoStackTraceThrowable;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classification every consumer and the API rely on: wait (transient), 409 (unique), or neither. */
class DatabaseFaultsTest {

    static PgException pg(String state) {
        return new PgException("boom", "ERROR", state, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"40001", "40P01", "57P01", "57P03", "53300", "08006", "08001"})
    void serverStatesOfAnUnavailableDatabaseAreTransient(String state) {
        assertThat(DatabaseFaults.isTransient(pg(state))).isTrue();
        assertThat(DatabaseFaults.isTransient(new CompletionException(new IllegalStateException(pg(state))))).as("wrapped")
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "23502", "22P02", "42P01", "42601"})
    void aBadStatementOrRowIsNotTransient(String state) {
        assertThat(DatabaseFaults.isTransient(pg(state))).isFalse();
    }

    @Test
    void lostConnectionsAndAClosingPoolAreTransient() {
        assertThat(DatabaseFaults.isTransient(new ConnectException("Connection refused"))).isTrue();
        assertThat(DatabaseFaults.isTransient(new NoStackTraceThrowable("Connection is not active now, current status: CLOSED")))
                .isTrue();
        assertThat(DatabaseFaults.isTransient(new NoStackTraceThrowable("Pool closed"))).isTrue();
        assertThat(DatabaseFaults.isTransient(new IllegalArgumentException("not a timestamp"))).isFalse();
    }

    @Test
    void aUniqueViolationIsRecognisedThroughWrappers() {
        assertThat(DatabaseFaults.isUniqueViolation(new CompletionException(pg("23505")))).isTrue();
        assertThat(DatabaseFaults.isUniqueViolation(pg("23503"))).isFalse();
    }
}
