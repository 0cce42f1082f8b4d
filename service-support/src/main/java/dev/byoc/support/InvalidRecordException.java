package dev.byoc.support;

/** A record that breaks the contract; its message becomes the DLQ's {@code dead-letter-reason}. */
public class InvalidRecordException extends RuntimeException {
    public InvalidRecordException(String reason) {
        super(reason);
    }
}
