package dev.byoc.monitor.kafka;

import dev.byoc.monitor.watch.StatusFolder;
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
 * callbacks (which run on the polling thread: no reactive database calls here, only the one
 * blocking read of the stored positions to seek past what the watch list already holds). The
 * poller only watches clusters whose events live in these partitions, so N replicas split the fleet.
 */
@ApplicationScoped
@Identifier("watch-list-partitions")
@jakarta.enterprise.inject.Default
public class OwnedPartitions implements KafkaConsumerRebalanceListener {
    private static final Logger LOG = Logger.getLogger(OwnedPartitions.class);
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private volatile boolean joined;
    private final StatusFolder folder;

    OwnedPartitions(StatusFolder folder) {
        this.folder = folder;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        folder.store().seekToStored(consumer, partitions);
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
