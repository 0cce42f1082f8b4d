package dev.byoc.support.projection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A read model of byoc.cluster-events with one row per cluster, stored in versions (rows keyed by
 * version and cluster id) so it can be rebuilt beside the live one. The fold is pure — the same
 * events give the same rows whether applied live one by one or replayed in batches — and the
 * {@link ProjectionStore} does the rest: positions, duplicates, batching, versions.
 *
 * @param <R> the row
 */
public interface Projection<R> {

    /** The name in the {@code projections} table, e.g. {@code cluster-view}. */
    String name();

    /** The rows of {@code version} for these clusters, locked for update. */
    Map<UUID, R> load(Connection c, int version, Set<UUID> keys) throws SQLException;

    /**
     * The row after {@code event}. {@code current} is null for a cluster not seen yet; return
     * {@code current} itself when the event changes nothing (null keeps the cluster absent).
     */
    R fold(R current, ProjectedEvent event);

    /** Writes these rows of {@code version} (insert or replace), each once. */
    void store(Connection c, int version, Map<UUID, R> rows) throws SQLException;

    /** Deletes every row of {@code version}. */
    void deleteVersion(Connection c, int version) throws SQLException;
}
