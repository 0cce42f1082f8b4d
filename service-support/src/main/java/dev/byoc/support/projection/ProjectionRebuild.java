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
 * transaction per polled batch, while version N keeps serving. It follows the live version and
 * never reads past the positions N holds; once level with them it takes the projections row FOR
 * UPDATE — live appliers wait — applies the last records up to N's positions, makes N+1 live and
 * drops N, all in one transaction. The live consumer then carries on against N+1 from exactly where
 * it was. Nothing is published while rebuilding: the rebuild only re-reads facts the live path has
 * already acted on.
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
    private final Map<String, Object> kafka;
    private final String topic;
    private final List<EventTypes> allowed;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();

    /** @param kafka the broker's connection settings ({@link dev.byoc.support.KafkaConnection#settings()}) */
    public ProjectionRebuild(ProjectionStore<R> store, Map<String, Object> kafka, String topic, List<EventTypes> allowed,
            int batchSize) {
        this.store = store;
        this.dataSource = store.dataSource();
        this.kafka = Map.copyOf(kafka);
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
        Map<String, Object> config = new java.util.HashMap<>(kafka);
        config.putAll(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(batchSize),
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024),
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (true) {
                Map<Integer, Long> target = livePositions();
                if (caughtUp(consumer, partitions, target)) {
                    inTransaction(c -> switchOver(c, consumer, partitions, version));
                    LOG.infof("%s rebuilt as version %d and made live", store.name(), version);
                    return;
                }
                List<ProjectedEvent> events = upTo(consumer, partitions, target, Duration.ofMillis(500));
                Map<String, Long> lag = lag(consumer, partitions, target);
                inTransaction(c -> {
                    int applied = store.apply(c, version, events, ProjectionStore.Changes.none());
                    try (PreparedStatement s = c.prepareStatement("update projections set events_applied = "
                            + "events_applied + ?, lag = ?::jsonb, heartbeat_at = now() where name = ? and building_version = ?")) {
                        s.setLong(1, applied);
                        s.setString(2, Json.write(lag));
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

    /**
     * Inside the lock (live appliers wait): apply exactly what the live version holds, make the new
     * version live, drop the old one. Whatever the live version has not applied yet is left to the
     * live consumer, which then applies it to the new version with its side effects (announcing a
     * status change, freeing a name): a rebuild that read ahead of it would swallow them.
     */
    private Void switchOver(Connection c, KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
            int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("select live_version from projections where name = ? for update")) {
            s.setString(1, store.name());
            s.executeQuery().close();
        }
        Map<Integer, Long> target = store.positions(c, version - 1);
        long applied = 0;
        while (!caughtUp(consumer, partitions, target)) {
            applied += store.apply(c, version, upTo(consumer, partitions, target, Duration.ofMillis(500)),
                    ProjectionStore.Changes.none());
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

    /** The live version's positions: how far the rebuild may go. */
    private Map<Integer, Long> livePositions() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return store.positions(c, store.liveVersion(c));
        }
    }

    /**
     * Polls once and returns the accepted events at or below {@code target} per partition. A
     * partition that reached its target is paused (and a record polled beyond it is sought back to),
     * so it is read again only once the live version has moved on.
     */
    private List<ProjectedEvent> upTo(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions,
            Map<Integer, Long> target, Duration timeout) {
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : consumer.paused()) {
            if (consumer.position(partition) <= target.getOrDefault(partition.partition(), -1L)) {
                resume.add(partition);
            }
        }
        consumer.resume(resume);
        ConsumerRecords<String, String> records = consumer.poll(timeout);
        List<ProjectedEvent> events = new ArrayList<>(records.count());
        for (TopicPartition partition : records.partitions()) {
            long limit = target.getOrDefault(partition.partition(), -1L);
            for (ConsumerRecord<String, String> record : records.records(partition)) {
                if (record.offset() > limit) {
                    consumer.seek(partition, record.offset());
                    break;
                }
                // records the live consumer dead-lettered or skipped are not facts: the rebuild skips them too
                if (IncomingEvents.read(record.headers(), record.value(), allowed) instanceof IncomingEvent.Accepted accepted) {
                    events.add(ProjectedEvent.of(accepted, record));
                }
            }
        }
        List<TopicPartition> reached = partitions.stream()
                .filter(p -> consumer.position(p) > target.getOrDefault(p.partition(), -1L)).toList();
        consumer.pause(reached);
        return events;
    }

    /** Every partition read past the live version's position (or to the end of the log). */
    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, Map<Integer, Long> target) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        return partitions.stream().allMatch(p -> consumer.position(p) > target.getOrDefault(p.partition(), -1L)
                || consumer.position(p) >= end.get(p));
    }

    /** Records between the rebuild and the live version, per partition. */
    private static Map<String, Long> lag(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
            Map<Integer, Long> target) {
        Map<String, Long> lag = new LinkedHashMap<>();
        for (TopicPartition partition : partitions) {
            lag.put(String.valueOf(partition.partition()),
                    Math.max(0, target.getOrDefault(partition.partition(), -1L) + 1 - consumer.position(partition)));
        }
        return lag;
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
