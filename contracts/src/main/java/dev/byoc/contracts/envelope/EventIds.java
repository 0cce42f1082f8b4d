package dev.byoc.contracts.envelope;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** CloudEvents ids: random for new facts, name-based for facts derived from another event. */
public final class EventIds {
    private EventIds() {
    }

    public static String random() {
        return UUID.randomUUID().toString();
    }

    /**
     * The id of the event of type {@code type} derived from the event {@code sourceId}: the same
     * input always yields the same id, so a redelivered input produces a duplicate consumers drop.
     */
    public static String derived(String sourceId, String type) {
        return UUID.nameUUIDFromBytes((sourceId + "/" + type).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
