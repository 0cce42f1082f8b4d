package dev.byoc.registry.projection;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.Topics;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Blue/green rebuild of the cluster view: replays byoc.cluster-events from offset 0 into version
 * N+1 (one transaction per polled batch) while version N keeps serving; once caught up it takes
 * the projection row FOR UPDATE — live appliers wait — reads the last few records, makes N+1 live
 * and drops N, all in one transaction. The live consumer then carries on against N+1, where the
 * events the rebuild already applied are skipped by their ids.
 */
@ApplicationScoped
public class ClusterViewRebuild {
    private static final Logger LOG = Logger.getLogger(ClusterViewRebuild.class);
    public static final String NAME = "cluster-view";

    private final AgroalDataSource dataSource;
    private final ClusterViewProjector projector;
    private final String bootstrapServers;
    private final AtomicBoolean running = new AtomicBoolean();

    ClusterViewRebuild(AgroalDataSource dataSource, ClusterViewProjector projector,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.dataSource = dataSource;
        this.projector = projector;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a rebuild unless one is running on this replica or recorded as building. */
    public Map<String, Object> start() throws SQLException {
        if (!running.compareAndSet(false, true)) {
            return progress();
        }
        try {
            int version = QuarkusTransaction.requiringNew().call(this::prepare);
            if (version < 0) {
                running.set(false);
                return progress();
            }
            Thread worker = new Thread(() -> run(version), "cluster-view-rebuild");
            worker.setDaemon(true);
            worker.start();
        } catch (RuntimeException | SQLException e) {
            running.set(false);
            throw e;
        }
        return progress();
    }

    public Map<String, Object> progress() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select live_version, building_version, state, events_applied, "
                        + "lag::text, started_at, finished_at from projections where name = ?")) {
            s.setString(1, NAME);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                Map<String, Object> progress = new LinkedHashMap<>();
                progress.put("name", NAME);
                progress.put("state", r.getString(3));
                progress.put("liveVersion", r.getInt(1));
                progress.put("buildingVersion", r.getObject(2));
                progress.put("eventsApplied", r.getLong(4));
                progress.put("lag", r.getString(5) == null ? Map.of() : Json.read(r.getString(5), Map.class));
                progress.put("startedAt", r.getTimestamp(6) == null ? null : r.getTimestamp(6).toInstant());
                progress.put("finishedAt", r.getTimestamp(7) == null ? null : r.getTimestamp(7).toInstant());
                if (r.getTimestamp(6) != null) {
                    java.time.Instant end = r.getTimestamp(7) == null ? java.time.Instant.now() : r.getTimestamp(7).toInstant();
                    double seconds = Math.max(0.001, Duration.between(r.getTimestamp(6).toInstant(), end).toMillis() / 1000.0);
                    progress.put("eventsPerSecond", Math.round(r.getLong(4) / seconds));
                }
                return progress;
            }
        }
    }

    private int prepare() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            int live;
            try (PreparedStatement s = c.prepareStatement(
                    "select live_version, state from projections where name = ? for update")) {
                s.setString(1, NAME);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if ("building".equals(r.getString(2))) {
                        return -1;
                    }
                    live = r.getInt(1);
                }
            }
            int next = live + 1;
            execute(c, "delete from cluster_view where version = ?", next);
            execute(c, "delete from projection_events where version = ?", next);
            try (PreparedStatement s = c.prepareStatement("update projections set building_version = ?, state = 'building', "
                    + "events_applied = 0, lag = null, started_at = now(), finished_at = null where name = ?")) {
                s.setInt(1, next);
                s.setString(2, NAME);
                s.executeUpdate();
            }
            return next;
        }
    }

    private void run(int version) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CLUSTER_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                Map<TopicPartition, Long> lag = lag(consumer, partitions);
                if (lag.values().stream().allMatch(l -> l == 0)) {
                    QuarkusTransaction.requiringNew().call(() -> switchOver(consumer, partitions, version));
                    LOG.infof("cluster view rebuilt as version %d and made live", version);
                    return;
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, Long> lagAfter = lag(consumer, partitions);
                QuarkusTransaction.requiringNew().call(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        long applied = applyAll(c, version, records);
                        try (PreparedStatement s = c.prepareStatement("update projections set events_applied = "
                                + "events_applied + ?, lag = ?::jsonb where name = ?")) {
                            s.setLong(1, applied);
                            s.setString(2, Json.write(byPartition(lagAfter)));
                            s.setString(3, NAME);
                            s.executeUpdate();
                        }
                    }
                    return null;
                });
            }
        } catch (Exception e) {
            LOG.errorf(e, "cluster view rebuild of version %d failed; the live version keeps serving", version);
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        execute(c, "update projections set state = 'live', building_version = null "
                                + "where name = 'cluster-view' and building_version = ?", version);
                    } catch (SQLException ex) {
                        throw new IllegalStateException(ex);
                    }
                });
            } catch (RuntimeException ignored) {
                // the state row says building; a new rebuild request will find it stale after restart
            }
        } finally {
            running.set(false);
        }
    }

    /** Inside the lock: read to the very end, make the new version live, drop the old one. */
    private Void switchOver(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions, int version)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("select live_version from projections where name = ? for update")) {
                s.setString(1, NAME);
                s.executeQuery().close();
            }
            long applied = 0;
            while (lag(consumer, partitions).values().stream().anyMatch(l -> l > 0)) {
                applied += applyAll(c, version, consumer.poll(Duration.ofMillis(500)));
            }
            int old = version - 1;
            try (PreparedStatement s = c.prepareStatement("update projections set live_version = ?, building_version = null, "
                    + "state = 'live', events_applied = events_applied + ?, lag = '{}'::jsonb, finished_at = now() "
                    + "where name = ?")) {
                s.setInt(1, version);
                s.setLong(2, applied);
                s.setString(3, NAME);
                s.executeUpdate();
            }
            execute(c, "delete from cluster_view where version <= ?", old);
            execute(c, "delete from projection_events where version <= ?", old);
        }
        return null;
    }

    private long applyAll(Connection c, int version, ConsumerRecords<String, String> records) throws SQLException {
        long applied = 0;
        for (ConsumerRecord<String, String> record : records) {
            IncomingEvent event = IncomingEvents.read(record.headers(), record.value(), EventTypes.CLUSTER_EVENTS);
            if (event instanceof IncomingEvent.Accepted accepted
                    && projector.applyTo(c, version, accepted, record.partition(), record.offset())) {
                applied++;
            }
        }
        return applied;
    }

    private static Map<TopicPartition, Long> lag(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> lag = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            lag.put(partition, Math.max(0, end.get(partition) - consumer.position(partition)));
        }
        return lag;
    }

    private static Map<String, Long> byPartition(Map<TopicPartition, Long> lag) {
        Map<String, Long> result = new LinkedHashMap<>();
        lag.forEach((p, l) -> result.put(String.valueOf(p.partition()), l));
        return result;
    }

    private static void execute(Connection c, String sql, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, version);
            s.executeUpdate();
        }
    }
}
