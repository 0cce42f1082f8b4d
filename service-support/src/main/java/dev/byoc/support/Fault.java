package dev.byoc.support;

import dev.byoc.support.db.DatabaseFaults;

/**
 * What a failure while taking a record means, in one place (issue #14): only a record that is
 * itself bad goes to the DLQ; a refusal is the caller's answer; everything else — an outage, a
 * lost race, even a bug — is retried with backoff while the partition waits, because a
 * dead-lettered fact is lost to every projection for good and a stalled partition is visible
 * (metric {@code byoc_consumer_retries_total}, a warning per attempt) and heals once fixed.
 */
public enum Fault {
    /**
     * The record breaks the contract (envelope, schema, unknown type, unexpected producer), or
     * carries a value the database cannot hold (SQLState class 22): DLQ.
     */
    BAD_RECORD(false),
    /** A rule refused the input ({@link Refusal}): answered, not retried. */
    REFUSED(false),
    /** Database or broker unavailable, overloaded, or aborted us: retried. */
    OUTAGE(true),
    /** Another writer changed the row between our read and our write (optimistic locking): retried. */
    CONFLICT(true),
    /** Anything else, a bug included: retried, loudly, rather than lose the record. */
    UNEXPECTED(true);

    /** Marks an exception that carries the answer to bad input (a 4xx, a command-rejected). */
    public interface Refusal {
    }

    /** The provisioner has no database: its classes are then absent, and so is that kind of outage. */
    private static final boolean DATABASE = present("io.vertx.pgclient.PgException");

    private final boolean retried;

    Fault(boolean retried) {
        this.retried = retried;
    }

    public boolean retried() {
        return retried;
    }

    public static Fault of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InvalidRecordException) {
                return BAD_RECORD;
            }
            if (t instanceof Refusal) {
                return REFUSED;
            }
        }
        if (DATABASE && DatabaseFaults.isDataException(failure)) {
            return BAD_RECORD; // a value no row can hold (a NUL byte, out of range): the record's, retrying never helps
        }
        if (isConflict(failure)) {
            return CONFLICT;
        }
        if ((DATABASE && DatabaseFaults.isTransient(failure)) || isBrokerOutage(failure)) {
            return OUTAGE;
        }
        return UNEXPECTED;
    }

    /** A write that found the row changed since it was read: Hibernate's optimistic lock, or ours. */
    public static boolean isConflict(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Conflict || isA(t, "org.hibernate.StaleStateException")
                    || isA(t, "jakarta.persistence.OptimisticLockException")) {
                return true;
            }
        }
        return false;
    }

    /** Marks our own "changed since read" failures. */
    public interface Conflict {
    }

    /** By name: Hibernate is optional here (the provisioner has none). */
    private static boolean isA(Throwable t, String className) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, Fault.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static boolean isBrokerOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof org.apache.kafka.common.errors.TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
