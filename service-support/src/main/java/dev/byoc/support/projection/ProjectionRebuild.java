package dev.byoc.support.projection;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.db.Sql;
import dev.byoc.support.db.Transactions;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.hibernate.LockMode;
import org.hibernate.reactive.mutiny.Mutiny;
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
    private final Map<String, Object> kafka;
    private final String topic;
    private final List<EventTypes> allowed;
    private final int batchSize;
    private final AtomicBoolean running = new AtomicBoolean();

    /** @param kafka the broker's connection settings ({@link dev.byoc.support.KafkaConnection#settings()}) */
    public ProjectionRebuild(ProjectionStore<R> store, Map<String, Object> kafka, String topic, List<EventTypes> allowed,
            int batchSize) {
        this.store = store;
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
        this.allowed = allowed;
        this.batchSize = batchSize;
    }

    /** Starts a rebuild in the background unless one is running; returns the progress. */
    public Uni<Map<String, Object>> start() {
        if (!running.compareAndSet(false, true)) {
            return progress();
        }
        return Transactions.inTransaction(this::prepare)
                .invoke(version -> {
                    if (version < 0) {
                        running.set(false);
                        return;
                    }
                    // the Kafka consumer blocks: the rebuild runs on a thread of its own, never on the event loop
                    Thread worker = new Thread(() -> run(version), store.name() + "-rebuild");
                    worker.setDaemon(true);
                    worker.start();
                })
                .onFailure().invoke(() -> running.set(false))
                .chain(ignored -> progress());
    }

    /** Runs a whole rebuild on the calling thread (benchmarks, tests); returns the final progress. */
    public Map<String, Object> runToEnd() {
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("a rebuild of " + store.name() + " is already running");
        }
        int version = Transactions.await(this::prepare);
        if (version < 0) {
            running.set(false);
            throw new IllegalStateException("a rebuild of " + store.name() + " is already running on another replica");
        }
        run(version);
        return Transactions.await(this::progress);
    }

    /** State (building/live), versions, events applied, per-partition lag, rate. */
    public Uni<Map<String, Object>> progress() {
        return Transactions.inSession(this::progress);
    }

    private Uni<Map<String, Object>> progress(Mutiny.Session session) {
        return row(session, LockMode.NONE).map(row -> {
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("name", store.name());
            progress.put("state", row.state);
            progress.put("liveVersion", row.liveVersion);
            progress.put("buildingVersion", row.buildingVersion);
            progress.put("eventsApplied", row.eventsApplied);
            progress.put("lag", row.lag == null ? Map.of() : Json.read(row.lag, Map.class));
            progress.put("startedAt", row.startedAt);
            progress.put("finishedAt", row.finishedAt);
            progress.put("heartbeatAt", row.heartbeatAt);
            if (row.startedAt != null) {
                Instant end = row.finishedAt == null ? Instant.now() : row.finishedAt;
                double seconds = Math.max(0.001, Duration.between(row.startedAt, end).toMillis() / 1000.0);
                progress.put("eventsPerSecond", Math.round(row.eventsApplied / seconds));
            }
            return progress;
        });
    }

    private Uni<ProjectionRow> row(Mutiny.Session session, LockMode lock) {
        return session.find(ProjectionRow.class, store.name(), lock).map(row -> {
            if (row == null) {
                throw new IllegalStateException("no projections row for " + store.name() + " (missing migration?)");
            }
            return row;
        });
    }

    private Uni<Integer> prepare(Mutiny.Session session) {
        return row(session, LockMode.PESSIMISTIC_WRITE).chain(row -> {
            if ("building".equals(row.state) && row.heartbeatAt != null
                    && row.heartbeatAt.isAfter(Instant.now().minus(STALE))) {
                return Uni.createFrom().item(-1);
            }
            int next = row.liveVersion + 1;
            return store.deleteVersion(session, next) // leftovers of a rebuild that died
                    .invoke(() -> {
                        row.buildingVersion = next;
                        row.state = "building";
                        row.eventsApplied = 0;
                        row.lag = null;
                        row.startedAt = Instant.now();
                        row.finishedAt = null;
                        row.heartbeatAt = row.startedAt;
                    })
                    .replaceWith(next);
        });
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
                    switchOver(consumer, partitions, version);
                    LOG.infof("%s rebuilt as version %d and made live", store.name(), version);
                    return;
                }
                List<ProjectedEvent> events = upTo(consumer, partitions, target, Duration.ofMillis(500));
                Map<String, Long> lag = lag(consumer, partitions, target);
                Transactions.await(session -> store.apply(session, version, events, ProjectionStore.Changes.none())
                        .chain(applied -> row(session, LockMode.NONE).invoke(row -> {
                            if (row.buildingVersion == null || row.buildingVersion != version) {
                                throw new IllegalStateException("another replica took over the rebuild of " + store.name());
                            }
                            row.eventsApplied += applied;
                            row.lag = Json.write(lag);
                            row.heartbeatAt = Instant.now();
                        })));
            }
        } catch (Exception e) {
            LOG.errorf(e, "%s: rebuild of version %d failed; the live version keeps serving", store.name(), version);
            try {
                Transactions.await(session -> row(session, LockMode.NONE).invoke(row -> {
                    if (row.buildingVersion != null && row.buildingVersion == version) {
                        row.state = "live";
                        row.buildingVersion = null;
                        row.finishedAt = Instant.now();
                    }
                }));
            } catch (RuntimeException ignored) {
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
    private void switchOver(KafkaConsumer<String, String> consumer, List<TopicPartition> partitions, int version) {
        // the lock first: from here the live appliers wait, so their positions stay where they are
        Map<Integer, Long> target = Transactions.await(session -> row(session, LockMode.PESSIMISTIC_WRITE)
                .chain(row -> store.positions(session, version - 1).map(positions -> Map.entry(row, positions)))
                .chain(locked -> VertxContextSupport.executeBlocking(() -> {
                    Map<Integer, Long> positions = locked.getValue();
                    // polling blocks: on a worker, while the transaction holds the lock on its context
                    List<List<ProjectedEvent>> batches = new ArrayList<>();
                    while (!caughtUp(consumer, partitions, positions)) {
                        batches.add(upTo(consumer, partitions, positions, Duration.ofMillis(500)));
                    }
                    return batches;
                }).chain(batches -> {
                    Uni<Long> applied = Uni.createFrom().item(0L);
                    for (List<ProjectedEvent> batch : batches) {
                        applied = applied.chain(total -> store.apply(session, version, batch, ProjectionStore.Changes.none())
                                .map(n -> total + n));
                    }
                    return applied.invoke(total -> {
                        ProjectionRow row = locked.getKey();
                        row.liveVersion = version;
                        row.buildingVersion = null;
                        row.state = "live";
                        row.eventsApplied += total;
                        row.lag = "{}";
                        row.finishedAt = Instant.now();
                        row.heartbeatAt = row.finishedAt;
                    }).chain(() -> store.deleteVersion(session, version - 1)).replaceWith(locked.getValue());
                })));
        LOG.debugf("%s: switched over at %s", store.name(), target);
    }

    /** The live version's positions: how far the rebuild may go. */
    private Map<Integer, Long> livePositions() {
        return Transactions.await(session -> row(session, LockMode.NONE)
                .chain(row -> store.positions(session, row.liveVersion)));
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
}
