package dev.byoc.monitor.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.TreeSet;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the consumer group has assigned this replica its partitions: before that it polls
 * nothing. (PostgreSQL and the Kafka connection have their own readiness checks.)
 */
@Readiness
@ApplicationScoped
public class AssignedReadiness implements HealthCheck {
    private final OwnedPartitions partitions;

    AssignedReadiness(OwnedPartitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("watch-list partitions assigned")
                .status(partitions.joined())
                .withData("partitions", new TreeSet<>(partitions.current()).toString())
                .build();
    }
}
