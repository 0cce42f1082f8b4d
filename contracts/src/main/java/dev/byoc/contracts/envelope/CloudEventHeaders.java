package dev.byoc.contracts.envelope;

import java.util.List;

/** The Kafka headers of CloudEvents 1.0 binary mode, as our topics carry them. */
public final class CloudEventHeaders {
    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";

    /** Set by SmallRye's dead-letter queue; we put our reason there. */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";

    public static final List<String> REQUIRED = List.of(SPECVERSION, ID, TYPE, SOURCE);

    private CloudEventHeaders() {
    }
}
