package dev.byoc.monitor.health;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.monitor.kafka.OwnedPartitions;
import dev.byoc.monitor.watch.WatchList;
import dev.byoc.support.db.Transactions;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * {@code byoc_monitor_clusters{status}}: the clusters this replica watches, per status. Each
 * replica counts only its own partitions, so summing over replicas gives the fleet once.
 */
@ApplicationScoped
public class FleetGauges {
    private static final Logger LOG = Logger.getLogger(FleetGauges.class);
    private final WatchList watchList;
    private final OwnedPartitions partitions;
    private final Map<ClusterStatus, AtomicLong> counts = new EnumMap<>(ClusterStatus.class);

    FleetGauges(WatchList watchList, OwnedPartitions partitions, MeterRegistry metrics) {
        this.watchList = watchList;
        this.partitions = partitions;
        for (ClusterStatus status : ClusterStatus.values()) {
            AtomicLong count = new AtomicLong();
            counts.put(status, count);
            Gauge.builder("byoc_monitor_clusters", count, AtomicLong::get)
                    .description("clusters in this replica's partitions, by status").tag("status", status.wire())
                    .register(metrics);
        }
    }

    @Scheduled(every = "${byoc.monitor.gauge-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void refresh() {
        try {
            Map<String, Long> current = Transactions.awaitOnContext(() -> watchList.countByStatus(partitions.current()));
            counts.forEach((status, count) -> count.set(current.getOrDefault(status.wire(), 0L)));
        } catch (Exception e) {
            LOG.debugf("cluster gauges not refreshed: %s", e.getMessage());
        }
    }
}
