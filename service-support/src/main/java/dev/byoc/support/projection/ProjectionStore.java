package dev.byoc.support.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The projection engine: applies events to one version of a {@link Projection} inside the
 * caller's transaction, together with what makes that exact —
 * <ul>
 * <li>positions: the highest offset applied per partition ({@code projection_positions}); a
 * record at or below it is skipped, and a consumer seeks past it when it is assigned the partition;</li>
 * <li>ids: every {@code ce_id} applied ({@code projection_events}); the same event under a new
 * offset is skipped;</li>
 * <li>batches: the rows a batch touches are read once, folded in memory in log order and written
 * once each, so a rebuild costs a few statements per batch rather than several per event.</li>
 * </ul>
 * The live path is a batch of one. The {@code projections} row names the live version; live
 * appliers hold it FOR SHARE and a rebuild's switch-over takes it FOR UPDATE.
 *
 * @param <R> the row
 */
public final class ProjectionStore<R> {
    private static final Logger LOG = Logger.getLogger(ProjectionStore.class);

    /** Told about every applied event, in log order, with the row before and after it. */
    @FunctionalInterface
    public interface Changes<R> {
        void applied(R before, R after, ProjectedEvent event) throws SQLException;

        static <R> Changes<R> none() {
            return (before, after, event) -> { };
        }
    }

    private final DataSource dataSource;
    private final Projection<R> projection;

    public ProjectionStore(DataSource dataSource, Projection<R> projection) {
        this.dataSource = dataSource;
        this.projection = projection;
    }

    public String name() {
        return projection.name();
    }

    public Projection<R> projection() {
        return projection;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** The live version, held FOR SHARE until the caller's transaction ends. */
    public int liveVersion(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select live_version from projections where name = ? for share")) {
            s.setString(1, name());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no projections row for " + name() + " (missing migration?)");
                }
                return r.getInt(1);
            }
        }
    }

    /** Applies one event to the live version. @return false when it had been applied before */
    public boolean applyLive(Connection c, ProjectedEvent event, Changes<R> changes) throws SQLException {
        return apply(c, liveVersion(c), List.of(event), changes) == 1;
    }

    /**
     * Applies events (in log order) to {@code version}.
     *
     * @return how many were applied for the first time
     */
    public int apply(Connection c, int version, List<ProjectedEvent> events, Changes<R> changes) throws SQLException {
        if (events.isEmpty()) {
            return 0;
        }
        Map<Integer, Long> positions = positions(c, version);
        List<ProjectedEvent> fresh = events.stream()
                .filter(e -> e.offset() > positions.getOrDefault(e.partition(), -1L)).toList();
        Set<String> firstSeen = recordIds(c, version, fresh);
        List<ProjectedEvent> toApply = new ArrayList<>();
        for (ProjectedEvent event : fresh) {
            if (firstSeen.remove(event.id())) { // remove: a second copy in the same batch is a duplicate too
                toApply.add(event);
            }
        }
        Set<UUID> keys = new HashSet<>();
        toApply.forEach(e -> {
            if (e.key() != null) {
                keys.add(e.key());
            }
        });
        Map<UUID, R> rows = keys.isEmpty() ? new HashMap<>() : new HashMap<>(projection.load(c, version, keys));
        Map<UUID, R> changed = new LinkedHashMap<>();
        for (ProjectedEvent event : toApply) {
            if (event.key() == null) {
                continue;
            }
            R before = rows.get(event.key());
            R after = projection.fold(before, event);
            if (after != before && after != null) {
                rows.put(event.key(), after);
                changed.put(event.key(), after);
            }
            changes.applied(before, after, event);
        }
        if (!changed.isEmpty()) {
            projection.store(c, version, changed);
        }
        savePositions(c, version, events);
        return toApply.size();
    }

    /** The highest offset applied per partition to {@code version}. */
    public Map<Integer, Long> positions(Connection c, int version) throws SQLException {
        Map<Integer, Long> positions = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "select kafka_partition, kafka_offset from projection_positions where name = ? and version = ?")) {
            s.setString(1, name());
            s.setInt(2, version);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    positions.put(r.getInt(1), r.getLong(2));
                }
            }
        }
        return positions;
    }

    /**
     * For a rebalance listener: moves the consumer past what the live version already holds, so a
     * restart or a switch to a rebuilt version does not re-read it. Only ever forward; when the
     * database cannot be asked, the consumer starts from its committed offset and the positions
     * skip what was applied.
     */
    public void seekToStored(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        try (Connection c = dataSource.getConnection()) {
            Map<Integer, Long> positions = positions(c, liveVersion(c));
            for (TopicPartition partition : partitions) {
                Long applied = positions.get(partition.partition());
                if (applied != null && applied + 1 > consumer.position(partition)) {
                    consumer.seek(partition, applied + 1);
                    LOG.infof("%s: %s starts at offset %d (stored position)", name(), partition, applied + 1);
                }
            }
        } catch (Exception e) {
            LOG.warnf("%s: stored positions unavailable, starting from committed offsets: %s", name(), e.getMessage());
        }
    }

    private Set<String> recordIds(Connection c, int version, List<ProjectedEvent> events) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.id()));
        Set<String> inserted = new HashSet<>();
        if (ids.isEmpty()) {
            return inserted;
        }
        try (PreparedStatement s = c.prepareStatement("insert into projection_events (name, version, event_id) "
                + "select ?, ?, unnest(?::text[]) on conflict do nothing returning event_id")) {
            s.setString(1, name());
            s.setInt(2, version);
            s.setArray(3, c.createArrayOf("text", ids.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    inserted.add(r.getString(1));
                }
            }
        }
        return inserted;
    }

    private void savePositions(Connection c, int version, List<ProjectedEvent> events) throws SQLException {
        Map<Integer, Long> highest = new HashMap<>();
        events.forEach(e -> highest.merge(e.partition(), e.offset(), Math::max));
        try (PreparedStatement s = c.prepareStatement("insert into projection_positions (name, version, kafka_partition, "
                + "kafka_offset) values (?, ?, ?, ?) on conflict (name, version, kafka_partition) do update "
                + "set kafka_offset = greatest(projection_positions.kafka_offset, excluded.kafka_offset)")) {
            for (Map.Entry<Integer, Long> position : highest.entrySet()) {
                s.setString(1, name());
                s.setInt(2, version);
                s.setInt(3, position.getKey());
                s.setLong(4, position.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Removes a version's rows, ids and positions. */
    void deleteVersion(Connection c, int version) throws SQLException {
        projection.deleteVersion(c, version);
        for (String table : List.of("projection_events", "projection_positions")) {
            try (PreparedStatement s = c.prepareStatement("delete from " + table + " where name = ? and version = ?")) {
                s.setString(1, name());
                s.setInt(2, version);
                s.executeUpdate();
            }
        }
    }
}
