package dev.byoc.contracts;

/** The topic names of the public contract (DESIGN §3). */
public final class Topics {
    /** The log of every cluster's life; key = cluster id; infinite retention. */
    public static final String CLUSTER_EVENTS = "byoc.cluster-events";
    /** Records that failed validation, with the reason in the {@code dead-letter-reason} header. */
    public static final String CLUSTER_EVENTS_DLQ = "byoc.cluster-events.dlq";
    /** Commands from internal producers; key = cluster name. */
    public static final String CLUSTER_COMMANDS = "byoc.cluster-commands";
    /** Current state of every cluster; compacted; key = cluster id; tombstone once deleted. */
    public static final String CLUSTER_STATE = "byoc.cluster-state";

    private Topics() {
    }
}
