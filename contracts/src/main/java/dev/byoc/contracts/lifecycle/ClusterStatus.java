package dev.byoc.contracts.lifecycle;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Grid's statuses, lower-case on the wire and in tables. */
public enum ClusterStatus {
    QUEUED, PENDING, RUNNING, FAILED, TERMINATING, DELETED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ClusterStatus fromWire(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
