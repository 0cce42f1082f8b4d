package dev.byoc.contracts;

/**
 * The {@code ce_source} of each service: every event type has exactly one producing service
 * ({@link dev.byoc.contracts.event.EventTypes#producer()}), and consumers dead-letter an event
 * claiming another (DESIGN §3). ACLs keep outsiders off the topic; this keeps a confused or
 * compromised service from speaking for another.
 */
public final class Producers {
    public static final String REGISTRY = "/byoc/registry-service";
    public static final String PROVISIONER = "/byoc/provisioner-service";
    public static final String MONITOR = "/byoc/monitor-service";

    private Producers() {
    }
}
