package dev.byoc.monitor.watch;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reads of the live watch list, and the poll schedule beside it. Calls join the caller's transaction. */
@ApplicationScoped
public class WatchList {
    private static final String LIVE = " from watch_list w left join poll_schedule p on p.cluster_id = w.cluster_id "
            + "where w.version = (select live_version from projections where name = '" + WatchListProjection.NAME + "') ";

    private final AgroalDataSource dataSource;

    WatchList(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** When the poller should next look at a cluster; runtime state, not part of the projection. */
    public void schedule(UUID clusterId, Instant nextPollAt) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into poll_schedule (cluster_id, next_poll_at) values (?, ?) "
                        + "on conflict (cluster_id) do update set next_poll_at = excluded.next_poll_at")) {
            s.setObject(1, clusterId);
            s.setTimestamp(2, Timestamp.from(nextPollAt));
            s.executeUpdate();
        }
    }

    /** Every cluster in the given partitions (what one replica watches). */
    public List<WatchedCluster> inPartitions(Set<Integer> partitions) throws SQLException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return query("select " + WatchListProjection.COLUMNS + LIVE + "and w.kafka_partition = any (?) order by w.name",
                (Object) partitions.toArray(Integer[]::new)); // one array parameter, not varargs
    }

    /** Clusters in the given partitions that are due for an EKS poll (never scheduled = due now). */
    public List<WatchedCluster> duePolls(Set<Integer> partitions, int limit) throws SQLException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return query("select " + WatchListProjection.COLUMNS + LIVE + "and w.status in ('pending', 'running', 'failed') "
                + "and coalesce(p.next_poll_at, '-infinity') <= now() and w.kafka_partition = any (?) "
                + "order by p.next_poll_at nulls first limit " + limit, (Object) partitions.toArray(Integer[]::new));
    }

    /** Clusters in the given partitions stuck in {@code status} for longer than {@code timeout}. */
    public List<WatchedCluster> overdue(Set<Integer> partitions, String status, Duration timeout) throws SQLException {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return query("select " + WatchListProjection.COLUMNS + LIVE + "and w.status = ? and w.status_since < ? "
                + "and w.kafka_partition = any (?)", status, Timestamp.from(Instant.now().minus(timeout)),
                partitions.toArray(Integer[]::new));
    }

    /** How many clusters of the given partitions are in each status. */
    public Map<String, Long> countByStatus(Set<Integer> partitions) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        if (partitions.isEmpty()) {
            return counts;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "select w.status, count(*)" + LIVE + "and w.kafka_partition = any (?) group by w.status")) {
            s.setArray(1, c.createArrayOf("integer", partitions.toArray(Integer[]::new)));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    counts.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return counts;
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
                    rows.add(WatchListProjection.read(r));
                }
            }
            return rows;
        }
    }
}
