package dev.byoc.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.contracts.Topics;
import dev.byoc.contracts.envelope.IncomingEvent;
import dev.byoc.contracts.envelope.IncomingEvents;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.registry.projection.ClusterViewRebuild;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import dev.byoc.testsupport.PostgresResource;
import dev.byoc.testsupport.Rows;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How fast a rebuild replays the log, next to Kafka's own read rate and the live path's rate.
 * Prints its numbers; asserts only that the rebuilt view equals the live one. Run on request:
 * {@code ./mvnw -o verify -pl registry-service -Pbenchmark} (-Dbyoc.bench.clusters, -Dbyoc.bench.events-per-cluster).
 */
@QuarkusTest
@Tag("benchmark")
@WithTestResource(KafkaResource.class)
@WithTestResource(PostgresResource.class)
@WithTestResource(AwsResource.class)
class RebuildBenchmarkTests {
    static final String[] STATUSES = {"pending", "running", "failed", "running"};

    @Inject
    AgroalDataSource dataSource;
    @Inject
    ClusterViewRebuild rebuild;
    @ConfigProperty(name = "byoc.projections.rebuild-batch-size")
    int batchSize;

    @Test
    void rebuildRateNextToKafkasOwn() throws Exception {
        int clusters = Integer.getInteger("byoc.bench.clusters", 500);
        int perCluster = Integer.getInteger("byoc.bench.events-per-cluster", 40);
        long produceStart = System.nanoTime();
        int produced = produce(clusters, perCluster);
        double produceSeconds = seconds(produceStart);

        long[] count = new long[1];
        double rawSeconds = readAll(record -> count[0]++);
        long total = count[0];
        Consumer<ConsumerRecord<String, String>> validate = record -> {
            if (!(IncomingEvents.read(record.headers(), record.value(), EventTypes.CLUSTER_EVENTS)
                    instanceof IncomingEvent.Accepted)) {
                throw new AssertionError("benchmark event rejected: " + record.value());
            }
        };
        double coldSeconds = readAll(validate); // loads the schemas and warms the JIT
        double validatedSeconds = readAll(validate);

        long liveStart = System.nanoTime();
        awaitLiveCaughtUp(Duration.ofMinutes(10));
        double liveSeconds = seconds(produceStart);
        List<String> live = snapshot();

        // twice, like the validation pass: the first rebuild also pays for compiling its code path
        long coldStart = System.nanoTime();
        assertThat(rebuild.runToEnd().get("state")).isEqualTo("live");
        double coldRebuildSeconds = seconds(coldStart);
        assertThat(snapshot()).as("the rebuilt view equals the live one").containsExactlyElementsOf(live);
        long rebuildStart = System.nanoTime();
        Map<String, Object> progress = rebuild.runToEnd();
        double rebuildSeconds = seconds(rebuildStart);
        assertThat(progress.get("state")).isEqualTo("live");
        assertThat(snapshot()).as("rebuilt again, still equal").containsExactlyElementsOf(live);

        System.out.printf("""

                ==== cluster-view rebuild benchmark ====
                events on the topic       : %d (%d new: %d clusters x %d), batch size %d
                produce (acks=all, async) : %8.0f events/s
                kafka read only           : %8.0f events/s   (%.2f s)
                kafka read + envelope/schema validation : %8.0f events/s   (%.2f s; first pass, cold: %.2f s)
                live projection (1 tx/event, incl. produce wait) : %8.0f events/s   (%.2f s after produce started, waited %.2f s)
                rebuild (1 tx/batch, 1 write/cluster/batch)      : %8.0f events/s   (%.2f s, eventsApplied=%s; first rebuild, cold: %.2f s)
                rebuild / kafka read only : %.2f    rebuild / (kafka read + validation) : %.2f
                ========================================
                %n""", total, produced, clusters, perCluster, batchSize,
                produced / produceSeconds,
                total / rawSeconds, rawSeconds,
                total / validatedSeconds, validatedSeconds, coldSeconds,
                produced / liveSeconds, liveSeconds, seconds(liveStart),
                total / rebuildSeconds, rebuildSeconds, progress.get("eventsApplied"), coldRebuildSeconds,
                rawSeconds / rebuildSeconds, validatedSeconds / rebuildSeconds);
    }

    private int produce(int clusters, int perCluster) throws Exception {
        int produced = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(onBroker(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())))) {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < clusters; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                send(producer, id, "byoc.cluster.requested.v2", """
                        {"clusterId": "%s", "name": "bench-%d", "owner": "admin", "spec": %s, "requestedAt": "%s"}"""
                        .formatted(id, i, SPEC, Instant.now()));
                produced++;
            }
            for (int round = 1; round < perCluster; round++) {
                for (int i = 0; i < clusters; i++) {
                    send(producer, ids.get(i), "byoc.cluster.status-changed.v1", """
                            {"clusterId": "%s", "name": "bench-%d", "from": null, "to": "%s", "reason": "round %d",
                             "causeEventId": "%s", "observedAt": "%s"}""".formatted(ids.get(i), i,
                            STATUSES[(round + i) % STATUSES.length], round, UUID.randomUUID(), Instant.now()));
                    produced++;
                }
            }
            producer.flush();
        }
        return produced;
    }

    private static void send(KafkaProducer<String, String> producer, String id, String type, String data) {
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.CLUSTER_EVENTS, id, data);
        KafkaTestClient.cloudEvent(UUID.randomUUID().toString(), type, id)
                .forEach((k, v) -> record.headers().add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
        producer.send(record);
    }

    /** Reads the whole topic from offset 0 with a plain consumer; returns the seconds it took. */
    private double readAll(Consumer<ConsumerRecord<String, String>> each) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(onBroker(Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(batchSize),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.CLUSTER_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            long start = System.nanoTime();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
            return seconds(start);
        }
    }

    /** Until the live version's stored positions reach the end of every partition. */
    private void awaitLiveCaughtUp(Duration within) throws Exception {
        Map<Integer, Long> end;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(onBroker(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())))) {
            end = new java.util.HashMap<>();
            consumer.endOffsets(consumer.partitionsFor(Topics.CLUSTER_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList())
                    .forEach((p, offset) -> end.put(p.partition(), offset - 1));
        }
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            boolean caughtUp = true;
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("""
                            select kafka_partition, kafka_offset from registry.projection_positions
                             where name = 'cluster-view'
                               and version = (select live_version from registry.projections where name = 'cluster-view')""")) {
                Map<Integer, Long> applied = new java.util.HashMap<>();
                while (r.next()) {
                    applied.put(r.getInt(1), r.getLong(2));
                }
                for (Map.Entry<Integer, Long> partition : end.entrySet()) {
                    if (partition.getValue() >= 0 && applied.getOrDefault(partition.getKey(), -1L) < partition.getValue()) {
                        caughtUp = false;
                    }
                }
            }
            if (caughtUp) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the live projection did not catch up within " + within);
    }



    /** Every live row, without its version, in a stable order. */
    private List<String> snapshot() throws SQLException {
        return Rows.liveVersion(dataSource, "registry", "cluster_view", "cluster-view",
                "cluster_id, name, owner, status, reason, checks::text, teardown::text, last_event_id, "
                        + "last_partition, last_offset, updated_at");
    }

    /** The settings, logged in to the secured broker as its super user (the benchmark forges every producer). */
    private static Map<String, Object> onBroker(Map<String, Object> settings) {
        Map<String, Object> all = new java.util.HashMap<>(KafkaBroker.shared().adminSettings());
        all.putAll(settings);
        return all;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static final String SPEC = """
            {"region": "us-east-1", "roleArn": "arn:aws:iam::111122223333:role/byoc-demo-01",
             "bucketName": "byoc-demo-01-bucket", "eksClusterName": "demo-01",
             "instanceTypes": [{"name": "m5.xlarge", "overprovisionedOnDemandCount": 0}],
             "performanceProfile": "default", "strict": false}""";
}
