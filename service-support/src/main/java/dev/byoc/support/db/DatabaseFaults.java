package dev.byoc.support.db;

import java.util.Set;

/**
 * What a failure of the reactive PostgreSQL client means, in one place: a database we cannot use
 * right now (retry, or answer 503), a unique violation (the caller's conflict, 409), or anything
 * else (a bug or a bad record). Read from the Vert.x client's exceptions as Hibernate Reactive
 * passes them on — {@code PgException}'s SQLState, connection failures, pool timeouts — walking
 * the causes, because Hibernate and Mutiny wrap them.
 */
public final class DatabaseFaults {
    /**
     * Transient SQLStates: serialization failure, deadlock, admin/crash shutdown, cannot connect
     * now, too many connections / insufficient resources; class 08 (connection exception) too.
     */
    private static final Set<String> TRANSIENT_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03", "53300",
            "53000", "53100", "53200");

    private DatabaseFaults() {
    }

    /** A database that is down, unreachable, overloaded or that aborted us: worth retrying. */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = sqlState(t);
            if (state != null) {
                return state.startsWith("08") || TRANSIENT_STATES.contains(state);
            }
            String type = t.getClass().getName();
            if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException
                    || t instanceof java.util.concurrent.TimeoutException || t instanceof java.io.IOException
                    || type.equals("io.vertx.sqlclient.ClosedConnectionException")
                    || type.equals("io.vertx.core.http.ConnectionPoolTooBusyException")
                    || type.startsWith("io.netty.channel.") // connect timeouts, refused connections
                    || type.equals("io.vertx.core.impl.NoStackTraceTimeoutException")) {
                return true;
            }
            // the Vert.x client reports a lost, closing or closed connection or pool only in words
            // ("Connection is not active now, current status: CLOSED", "Pool closed", "Timeout"):
            // a service shutting down mid-transaction must leave the record unacknowledged, not dead
            if (type.startsWith("io.vertx.") && messageSaysConnection(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /** A unique index refused the row (SQLState 23505): the caller's conflict. */
    public static boolean isUniqueViolation(Throwable failure) {
        return hasState(failure, "23505");
    }

    /**
     * A value the database refused to hold (SQLState class 22: a NUL byte in text, a number out of
     * range, text too long for its column): the caller's input, never an outage.
     */
    public static boolean isDataException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = sqlState(t);
            if (state != null) {
                return state.startsWith("22");
            }
        }
        return false;
    }

    /** The name of the constraint a unique violation hit, when the server named it. */
    public static String constraint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && pg.getConstraint() != null) {
                return pg.getConstraint();
            }
            if (t instanceof org.hibernate.exception.ConstraintViolationException violation
                    && violation.getConstraintName() != null) {
                return violation.getConstraintName();
            }
        }
        return null;
    }

    public static boolean hasState(Throwable failure, String state) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (state.equals(sqlState(t))) {
                return true;
            }
        }
        return false;
    }

    private static String sqlState(Throwable t) {
        if (t instanceof io.vertx.pgclient.PgException pg) {
            return pg.getSqlState();
        }
        if (t instanceof org.hibernate.exception.JDBCConnectionException) {
            return "08000";
        }
        if (t instanceof org.hibernate.JDBCException jdbc) {
            return jdbc.getSQLState();
        }
        return null;
    }

    private static boolean messageSaysConnection(String message) {
        if (message == null) {
            return false;
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        return m.contains("connection refused") || m.contains("connection reset") || m.contains("closed")
                || m.contains("closing") || m.contains("not active") || m.contains("timeout")
                || m.contains("failed to connect");
    }
}
