package dev.byoc.monitor.watch;

import dev.byoc.contracts.Topics;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.projection.ProjectionRebuild;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/** The monitor's use of the projection engine's blue/green rebuild, for the watch list. */
@ApplicationScoped
public class WatchListRebuild {
    private final ProjectionRebuild<WatchedCluster> rebuild;

    WatchListRebuild(StatusFolder folder, dev.byoc.support.KafkaConnection kafka,
            dev.byoc.support.projection.ProjectionsConfig projections) {
        this.rebuild = new ProjectionRebuild<>(folder.store(), kafka.settings(), Topics.CLUSTER_EVENTS,
                EventTypes.CLUSTER_EVENTS, projections.rebuildBatchSize());
    }

    public Uni<Map<String, Object>> start() {
        return rebuild.start();
    }

    public Uni<Map<String, Object>> progress() {
        return rebuild.progress();
    }
}
