package dev.byoc.monitor.watch;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.lifecycle.ClusterState;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The watch list table; calls join the caller's transaction. */
@ApplicationScoped
public class WatchList {
    private static final String COLUMNS = "cluster_id, name, owner, kafka_partition, state::text, spec::text, status_since, "
            + "last_observation, last_offset";

    private final AgroalDataSource dataSource;

    WatchList(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** True the first time an event id is seen. */
    public boolean markProcessed(String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "insert into processed_events (event_id) values (?::uuid) on conflict do nothing")) {
            s.setString(1, eventId);
            return s.executeUpdate() == 1;
        }
    }

    public Optional<WatchedCluster> lock(UUID clusterId) throws SQLException {
        return query("select " + COLUMNS + " from watch_list where cluster_id = ? for update", clusterId).stream().findFirst();
    }

    public void save(WatchedCluster cluster, String lastEventId, Instant nextPollAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("""
                        insert into watch_list (cluster_id, name, owner, kafka_partition, state, spec, status, status_since,
                                                last_observation, next_poll_at, last_event_id, last_offset, updated_at)
                        values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?::uuid, ?, now())
                        on conflict (cluster_id) do update set name = excluded.name, kafka_partition = excluded.kafka_partition,
                            state = excluded.state, spec = excluded.spec, status = excluded.status,
                            status_since = excluded.status_since, last_observation = excluded.last_observation,
                            next_poll_at = coalesce(excluded.next_poll_at, watch_list.next_poll_at),
                            last_event_id = coalesce(excluded.last_event_id, watch_list.last_event_id),
                            last_offset = greatest(excluded.last_offset, watch_list.last_offset), updated_at = now()""")) {
            s.setObject(1, cluster.clusterId());
            s.setString(2, cluster.name());
            s.setString(3, cluster.owner());
            s.setInt(4, cluster.partition());
            s.setString(5, Json.write(cluster.state()));
            s.setString(6, Json.write(cluster.spec()));
            s.setString(7, cluster.state().status().wire());
            s.setTimestamp(8, Timestamp.from(cluster.statusSince()));
            s.setString(9, cluster.lastObservation());
            s.setTimestamp(10, nextPollAt == null ? null : Timestamp.from(nextPollAt));
            s.setString(11, lastEventId);
            s.setLong(12, cluster.lastOffset());
            s.executeUpdate();
        }
    }

    public void reschedule(UUID clusterId, String observation, Instant nextPollAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "update watch_list set last_observation = ?, next_poll_at = ? where cluster_id = ?")) {
            s.setString(1, observation);
            s.setTimestamp(2, Timestamp.from(nextPollAt));
            s.setObject(3, clusterId);
            s.executeUpdate();
        }
    }

    /** Every cluster in the given partitions (what one replica watches). */
    public List<WatchedCluster> inPartitions(Set<Integer> partitions) throws SQLException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return query("select " + COLUMNS + " from watch_list where kafka_partition = any (?) order by name",
                new Object[] {partitions.toArray(Integer[]::new)});
    }

    /** Clusters in the given partitions that are due for an EKS poll. */
    public List<WatchedCluster> duePolls(Set<Integer> partitions, int limit) throws SQLException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return query("select " + COLUMNS + " from watch_list where status in ('pending', 'running', 'failed') "
                + "and next_poll_at <= now() and kafka_partition = any (?) order by next_poll_at limit " + limit,
                new Object[] {partitions.toArray(Integer[]::new)});
    }

    /** Clusters in the given partitions stuck in {@code status} for longer than {@code timeout}. */
    public List<WatchedCluster> overdue(Set<Integer> partitions, String status, Duration timeout) throws SQLException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return query("select " + COLUMNS + " from watch_list where status = ? and status_since < ? "
                + "and kafka_partition = any (?)", status, Timestamp.from(Instant.now().minus(timeout)),
                partitions.toArray(Integer[]::new));
    }

    private List<WatchedCluster> query(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                if (params[i] instanceof Integer[] array) {
                    s.setArray(i + 1, c.createArrayOf("integer", array));
                } else {
                    s.setObject(i + 1, params[i]);
                }
            }
            List<WatchedCluster> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new WatchedCluster(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getInt(4),
                            Json.read(r.getString(5), ClusterState.class), Json.read(r.getString(6), ClusterSpec.class),
                            r.getTimestamp(7).toInstant(), r.getString(8), r.getLong(9)));
                }
            }
            return rows;
        }
    }
}
