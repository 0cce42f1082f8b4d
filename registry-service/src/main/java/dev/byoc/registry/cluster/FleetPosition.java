package dev.byoc.registry.cluster;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where a fleet stream is in the log: per partition of {@code byoc.cluster-events}, the offset of
 * the last event it has passed. Sent as each event's SSE {@code id} and read back from
 * {@code Last-Event-ID}: {@code 0-41.1-7.2-19} (partition-offset pairs). Offsets, not times or a
 * database sequence, because only they give one order that every replica agrees on: one
 * partition is projected by one consumer, in order, a batch per commit, so when an offset is
 * visible every earlier offset of its partition is too, and a reader that resumes after it
 * misses nothing and repeats nothing.
 */
record FleetPosition(Map<Integer, Long> offsets) {
    FleetPosition {
        offsets = Map.copyOf(offsets);
    }

    static final FleetPosition START = new FleetPosition(Map.of());

    /** The offset passed in {@code partition}; -1 for one not seen yet (read from its first event). */
    long after(int partition) {
        return offsets.getOrDefault(partition, -1L);
    }

    FleetPosition with(int partition, long offset) {
        TreeMap<Integer, Long> next = new TreeMap<>(offsets);
        next.merge(partition, offset, Math::max);
        return new FleetPosition(next);
    }

    String encode() {
        return new TreeMap<>(offsets).entrySet().stream().map(e -> e.getKey() + "-" + e.getValue())
                .collect(Collectors.joining("."));
    }

    /** @throws IllegalArgumentException for anything this API never sent */
    static FleetPosition decode(String text) {
        if (text == null || text.isBlank() || text.length() > 4096) {
            throw new IllegalArgumentException("empty or too long");
        }
        TreeMap<Integer, Long> offsets = new TreeMap<>();
        for (String pair : text.split("\\.", -1)) {
            String[] parts = pair.split("-", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("not partition-offset: " + pair);
            }
            int partition = Integer.parseInt(parts[0]);
            long offset = Long.parseLong(parts[1]);
            if (partition < 0 || offset < -1 || offsets.put(partition, offset) != null) {
                throw new IllegalArgumentException("bad pair: " + pair);
            }
        }
        return new FleetPosition(offsets);
    }
}
