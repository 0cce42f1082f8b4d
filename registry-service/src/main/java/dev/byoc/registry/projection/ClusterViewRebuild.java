package dev.byoc.registry.projection;

import dev.byoc.contracts.Topics;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.support.projection.ProjectionRebuild;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/** The registry's use of the projection engine's blue/green rebuild, for the cluster view. */
@ApplicationScoped
public class ClusterViewRebuild {
    private final ProjectionRebuild<ClusterViewRow> rebuild;

    ClusterViewRebuild(ClusterViewProjector projector,
            dev.byoc.support.KafkaConnection kafka,
            dev.byoc.support.projection.ProjectionsConfig projections) {
        this.rebuild = new ProjectionRebuild<>(projector.store(), kafka.settings(), Topics.CLUSTER_EVENTS,
                EventTypes.CLUSTER_EVENTS, projections.rebuildBatchSize());
    }

    public Uni<Map<String, Object>> start() {
        return rebuild.start();
    }

    public Uni<Map<String, Object>> progress() {
        return rebuild.progress();
    }

    /** Benchmarks and tests: the whole rebuild on the calling thread. */
    public Map<String, Object> runToEnd() {
        return rebuild.runToEnd();
    }
}
