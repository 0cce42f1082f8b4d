package dev.byoc.support.projection;

import io.smallrye.mutiny.Uni;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * A read model of byoc.cluster-events with one row per cluster, stored in versions (rows keyed by
 * version and cluster id) so it can be rebuilt beside the live one. The fold is pure — the same
 * events give the same rows whether applied live one by one or replayed in batches — and the
 * {@link ProjectionStore} does the rest: positions, duplicates, batching, versions. Reads and
 * writes run in the caller's reactive session and transaction.
 *
 * @param <R> the row
 */
public interface Projection<R> {

    /** The name in the {@code projections} table, e.g. {@code cluster-view}. */
    String name();

    /** The rows of {@code version} for these clusters, locked for update. */
    Uni<Map<UUID, R>> load(Mutiny.Session session, int version, Set<UUID> keys);

    /**
     * The row after {@code event}. {@code current} is null for a cluster not seen yet; return
     * {@code current} itself when the event changes nothing (null keeps the cluster absent).
     */
    R fold(R current, ProjectedEvent event);

    /** Writes these rows of {@code version} (insert or replace), each once. */
    Uni<Void> store(Mutiny.Session session, int version, Map<UUID, R> rows);

    /** The table the rows live in, for deleting a version. */
    String table();
}
