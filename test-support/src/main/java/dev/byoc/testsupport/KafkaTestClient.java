package dev.byoc.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain kafka-clients, as an outside team would use them: no code of ours on the wire. */
public final class KafkaTestClient {
    private final Map<String, Object> connection;

    /** @param connection bootstrap servers and the login ({@link KafkaBroker#clientSettings}) */
    public KafkaTestClient(Map<String, Object> connection) {
        this.connection = Map.copyOf(connection);
    }

    /** As the broker's super user: the harness plays every producer, so it may write anywhere. */
    public static KafkaTestClient of(KafkaBroker broker) {
        return new KafkaTestClient(broker.adminSettings());
    }

    public static KafkaTestClient shared() {
        return of(KafkaBroker.shared());
    }

    private Map<String, Object> with(Map<String, Object> settings) {
        Map<String, Object> config = new java.util.HashMap<>(connection);
        config.putAll(settings);
        return config;
    }

    /** Produces one record with the given headers (values as UTF-8); waits for the ack. */
    public void produce(String topic, String key, String value, Map<String, String> headers) {
        produce(topic, null, key, value, headers);
    }

    /**
     * The same onto a chosen partition (null: the key decides), as a producer with another
     * partitioner than Java's would.
     */
    public void produce(String topic, Integer partition, String key, String value, Map<String, String> headers) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(with(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName())))) {
            ProducerRecord<String, String> record = new ProducerRecord<>(topic, partition, key, value);
            headers.forEach((k, v) -> record.headers().add(new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8))));
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot produce to " + topic, e);
        }
    }

    /**
     * CloudEvents binary-mode headers for a record, with the {@code ce_source} of the service that
     * emits {@code type} (consumers dead-letter any other), or {@code /tests} for commands and types
     * the contract does not know.
     */
    public static Map<String, String> cloudEvent(String id, String type, String subject) {
        String source = dev.byoc.contracts.event.EventTypes.of(type).map(t -> t.producer()).orElse("/tests");
        return cloudEvent(id, type, subject, source);
    }

    /** The same with an explicit {@code ce_source}, e.g. to forge another service's event. */
    public static Map<String, String> cloudEvent(String id, String type, String subject, String source) {
        return Map.of("ce_specversion", "1.0", "ce_id", id, "ce_type", type, "ce_source", source,
                "ce_time", java.time.Instant.now().toString(), "ce_subject", subject, "content-type", "application/json");
    }

    /**
     * Reads {@code topic} from the beginning with a fresh group until {@code until} holds for the
     * records matching {@code filter} or {@code timeout} passes; returns the matching records.
     */
    public List<ConsumerRecord<String, String>> read(String topic, Predicate<ConsumerRecord<String, String>> filter,
            Predicate<List<ConsumerRecord<String, String>>> until, Duration timeout) {
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(with(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName())))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (filter.test(record)) {
                        found.add(record);
                    }
                }
                if (until.test(found)) {
                    break;
                }
            }
        }
        return found;
    }

    public static String header(ConsumerRecord<?, ?> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
