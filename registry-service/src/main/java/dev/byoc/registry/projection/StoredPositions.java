package dev.byoc.registry.projection;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** On assignment, the cluster-events consumer starts after what the live cluster view already holds. */
@ApplicationScoped
@Identifier("cluster-view-positions")
public class StoredPositions implements KafkaConsumerRebalanceListener {
    private final ClusterViewProjector projector;

    StoredPositions(ClusterViewProjector projector) {
        this.projector = projector;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        projector.store().seekToStored(consumer, partitions);
    }
}
