package dev.byoc.monitor.kafka;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The partitions of byoc.cluster-events this replica owns, kept in memory from the rebalance
 * callbacks. They run on the polling thread, so they touch no database (DESIGN §7): a replica that
 * takes a partition over re-reads from the committed offset, and the stored positions make what
 * the watch list already holds a no-op. The poller only watches clusters whose events live in
 * these partitions, so N replicas split the fleet.
 */
@ApplicationScoped
@Identifier("watch-list-partitions")
@jakarta.enterprise.inject.Default
public class OwnedPartitions implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(OwnedPartitions.class);
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean joined;
    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(p -> owned.add(p.partition()));
        joined = true; // an assignment, even an empty one, means the group has taken us in
        LOG.infof("now watching partitions %s", owned);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        partitions.forEach(p -> owned.remove(p.partition()));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevoked(consumer, partitions);
    }

    /** True once the consumer group has assigned this replica its share (possibly none). */
    public boolean joined() {
        return joined;
    }

    public Set<Integer> current() {
        return Set.copyOf(owned);
    }
}
