package dev.byoc.monitor.watch;

import dev.byoc.contracts.Topics;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.projection.ProjectionRebuild;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The monitor's use of the projection engine's blue/green rebuild, for the watch list. */
@ApplicationScoped
public class WatchListRebuild {
    private final ProjectionRebuild<WatchedCluster> rebuild;

    WatchListRebuild(StatusFolder folder, dev.byoc.support.KafkaConnection kafka,
            @ConfigProperty(name = "byoc.projections.rebuild-batch-size") int batchSize) {
        this.rebuild = new ProjectionRebuild<>(folder.store(), kafka.settings(), Topics.CLUSTER_EVENTS,
                EventTypes.CLUSTER_EVENTS, batchSize);
    }

    public Map<String, Object> start() throws SQLException {
        return rebuild.start();
    }

    public Map<String, Object> progress() throws SQLException {
        return rebuild.progress();
    }
}
