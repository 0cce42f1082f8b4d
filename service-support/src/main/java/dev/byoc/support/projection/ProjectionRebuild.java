package dev.byoc.support.projection;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Blue/green rebuild of a projection: replays the topic from offset 0 into version N+1, one
 * transaction per polled batch, while version N keeps serving. Once caught up it takes the
 * projections row FOR UPDATE — live appliers wait — reads the last records, makes N+1 live and
 * drops N, all in one transaction. The live consumer then carries on against N+1, whose positions
 * and ids skip what the rebuild already applied. Nothing is published while rebuilding: the
 * rebuild only re-reads facts already in the log.
 *
 * <p>One rebuild per projection at a time across replicas: the projections row says
 * {@code building}; a building row whose heartbeat is older than {@link #STALE} (its replica died)
 * may be taken over.
 */
public final class ProjectionRebuild<R> {
    private static final Logger LOG = Logger.getLogger(ProjectionRebuild.class);
    static final Duration STALE = Duration.ofSeconds(60);

    private final ProjectionStore<R> store;
    private final DataSource dataSource;
    private final String bootstrapServers;
    private final String topic;
    private final List<EventTypes> allowed;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();

    public ProjectionRebuild(ProjectionStore<R> store, String bootstrapServers, String topic, List<EventTypes> allowed,
            int batchSize) {
        this.store = store;
        this.dataSource = store.dataSource();
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.allowed = allowed;
        this.batchSize = batchSize;
    }

    /** Starts a rebuild in the background unless one is running; returns the progress. */
    public Map<String, Object> start() throws SQLException {
        if (!running.compareAndSet(false, true)) {
            return progress();
        }
        try {
            int version = inTransaction(this::prepare);
            if (version < 0) {
                running.set(false);
                return progress();
            }
            Thread worker = new Thread(() -> run(version), store.name() + "-rebuild");
            worker.setDaemon(true);
            worker.start();
        } catch (RuntimeException | SQLException e) {
            running.set(false);
            throw e;
        }
        return progress();
    }

    /** Runs a whole rebuild on the calling thread (benchmarks, tests); returns the final progress. */
    public Map<String, Object> runToEnd() throws SQLException {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("a rebuild of " + store.name() + " is already running");
        }
        int version = inTransaction(this::prepare);
        if (version < 0) {
            running.set(false);
            throw new IllegalStateException("a rebuild of " + store.name() + " is already running on another replica");
        }
        run(version);
        return progress();
    }

    /** State (building/live), versions, events applied, per-partition lag, rate. */
    public Map<String, Object> progress() throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select live_version, building_version, state, events_applied, "
                        + "lag::text, started_at, finished_at, heartbeat_at from projections where name = ?")) {
            s.setString(1, store.name());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no projections row for " + store.name());
                }
                Map<String, Object> progress = new LinkedHashMap<>();
                progress.put("name", store.name());
                progress.put("state", r.getString(3));
                progress.put("liveVersion", r.getInt(1));
                progress.put("buildingVersion", r.getObject(2));
                progress.put("eventsApplied", r.getLong(4));
                progress.put("lag", r.getString(5) == null ? Map.of() : Json.read(r.getString(5), Map.class));
                Instant started = instant(r, 6);
                Instant finished = instant(r, 7);
                progress.put("startedAt", started);
                progress.put("finishedAt", finished);
                progress.put("heartbeatAt", instant(r, 8));
                if (started != null) {
                    Instant end = finished == null ? Instant.now() : finished;
                    double seconds = Math.max(0.001, Duration.between(started, end).toMillis() / 1000.0);
                    progress.put("eventsPerSecond", Math.round(r.getLong(4) / seconds));
                }
                return progress;
            }
        }
    }

    private int prepare(Connection c) throws SQLException {
        int live;
        try (PreparedStatement s = c.prepareStatement(
                "select live_version, state, heartbeat_at from projections where name = ? for update")) {
            s.setString(1, store.name());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("no projections row for " + store.name());
                }
                Instant heartbeat = instant(r, 3);
                if ("building".equals(r.getString(2)) && heartbeat != null && heartbeat.isAfter(Instant.now().minus(STALE))) {
                    return -1;
                }
                live = r.getInt(1);
            }
        }
        int next = live + 1;
        store.deleteVersion(c, next); // leftovers of a rebuild that died
        try (PreparedStatement s = c.prepareStatement("update projections set building_version = ?, state = 'building', "
                + "events_applied = 0, lag = null, started_at = now(), finished_at = null, heartbeat_at = now() "
                + "where name = ?")) {
            s.setInt(1, next);
            s.setString(2, store.name());
            s.executeUpdate();
        }
        return next;
    }

    private void run(int version) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(batchSize),
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                Map<TopicPartition, Long> lag = lag(consumer, partitions);
                if (lag.values().stream().allMatch(l -> l == 0)) {
                    inTransaction(c -> switchOver(c, consumer, partitions, version));
                    LOG.infof("%s rebuilt as version %d and made live", store.name(), version);
                    return;
                }
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, Long> lagAfter = lag(consumer, partitions);
                inTransaction(c -> {
                    int applied = store.apply(c, version, events(records), ProjectionStore.Changes.none());
                    try (PreparedStatement s = c.prepareStatement("update projections set events_applied = "
                            + "events_applied + ?, lag = ?::jsonb, heartbeat_at = now() where name = ? and building_version = ?")) {
                        s.setLong(1, applied);
                        s.setString(2, Json.write(byPartition(lagAfter)));
                        s.setString(3, store.name());
                        s.setInt(4, version);
                        if (s.executeUpdate() == 0) {
                            throw new IllegalStateException("another replica took over the rebuild of " + store.name());
                        }
                    }
                    return null;
                });
            }
        } catch (Exception e) {
            LOG.errorf(e, "%s: rebuild of version %d failed; the live version keeps serving", store.name(), version);
            try {
                inTransaction(c -> {
                    try (PreparedStatement s = c.prepareStatement("update projections set state = 'live', "
                            + "building_version = null, finished_at = now() where name = ? and building_version = ?")) {
                        s.setString(1, store.name());
                        s.setInt(2, version);
                        s.executeUpdate();
                    }
                    return null;
                });
            } catch (SQLException | RuntimeException ignored) {
                // the row still says building; its heartbeat goes stale and the next request takes over
            }
        } finally {
            running.set(false);
        }
    }

    /** Inside the lock: read to the very end, make the new version live, drop the old one. */
    private Void switchOver(Connection c, KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
            int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select live_version from projections where name = ? for update")) {
            s.setString(1, store.name());
            s.executeQuery().close();
        }
        long applied = 0;
        while (lag(consumer, partitions).values().stream().anyMatch(l -> l > 0)) {
            applied += store.apply(c, version, events(consumer.poll(Duration.ofMillis(500))), ProjectionStore.Changes.none());
        }
        try (PreparedStatement s = c.prepareStatement("update projections set live_version = ?, building_version = null, "
                + "state = 'live', events_applied = events_applied + ?, lag = '{}'::jsonb, finished_at = now(), "
                + "heartbeat_at = now() where name = ?")) {
            s.setInt(1, version);
            s.setLong(2, applied);
            s.setString(3, store.name());
            s.executeUpdate();
        }
        store.deleteVersion(c, version - 1);
        return null;
    }

    private List<ProjectedEvent> events(ConsumerRecords<String, String> records) {
        List<ProjectedEvent> events = new ArrayList<>(records.count());
        for (ConsumerRecord<String, String> record : records) {
            // records the live consumer dead-lettered or skipped are not facts: the rebuild skips them too
            if (IncomingEvents.read(record.headers(), record.value(), allowed) instanceof IncomingEvent.Accepted accepted) {
                events.add(ProjectedEvent.of(accepted, record));
            }
        }
        return events;
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

    private static Instant instant(ResultSet r, int column) throws SQLException {
        var timestamp = r.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** A plain JDBC transaction: the rebuild runs on its own thread, outside any JTA transaction. */
    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
