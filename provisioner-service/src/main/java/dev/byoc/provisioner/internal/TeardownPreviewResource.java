package dev.byoc.provisioner.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.spec.SpecRules;
import dev.byoc.contracts.teardown.TeardownPreview;
import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.provisioner.teardown.Teardown;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * {@code POST /internal/v1/teardown-preview} {@code {clusterId, owner, spec}} → {@link TeardownPreview}:
 * what deleting the cluster would remove and leave, nothing changed.
 *
 * <p>Why an internal HTTP call and not an event: the registry holds no AWS access and must not
 * (DESIGN §2), and a preview is a question whose answer the user waits for, changing nothing — an
 * event on the cluster's log would record a fact that never happened. The provisioner already does
 * the listing for the teardown, so it answers, through {@link Teardown#preview} (the teardown's own
 * tenant boundary and listing). Only the registry calls it ({@link InternalApiGuard}); the registry
 * decided the caller owns the cluster, and the role is assumed for the {@code owner} given here.
 */
@Path("/internal/v1/teardown-preview")
public class TeardownPreviewResource {
    private static final Logger LOG = Logger.getLogger(TeardownPreviewResource.class);

    private final Teardown teardown;
    private final MeterRegistry metrics;

    TeardownPreviewResource(Teardown teardown, MeterRegistry metrics) {
        this.teardown = teardown;
        this.metrics = metrics;
    }

    /** Blocking: the AWS SDK's synchronous clients, on a worker thread, never on the event loop. */
    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response preview(String body) {
        TeardownPreview.Request request;
        try {
            JsonNode tree = Json.mapper().readTree(body == null ? "" : body);
            request = tree == null || !tree.isObject() ? null : Json.mapper().treeToValue(tree, TeardownPreview.Request.class);
        } catch (Exception e) {
            return InternalApiGuard.problem(400, "not a teardown preview request: " + e.getClass().getSimpleName());
        }
        Optional<String> broken = broken(request);
        if (broken.isPresent()) {
            return InternalApiGuard.problem(400, broken.get());
        }
        try {
            TeardownPreview preview = teardown.preview(request.clusterId(), request.owner(), request.spec());
            metrics.counter("byoc_provisioner_teardown_previews_total", "outcome", preview.outcome()).increment();
            LOG.infof("teardown preview of cluster %s (%s): %d objects", request.clusterId(), preview.outcome(),
                    preview.objectCount());
            return Response.ok(preview).build();
        } catch (PlatformFault e) {
            // the platform's own AWS trouble (throttling, 5xx, timeout, its credentials): no finding, ask again later
            metrics.counter("byoc_platform_faults_total", "service", "provisioner", "code", e.code()).increment();
            LOG.warnf("teardown preview of cluster %s: %s", request.clusterId(), e.getMessage());
            return Response.fromResponse(InternalApiGuard.problem(503, "AWS did not answer the platform (" + e.call() + ", "
                    + e.code() + "); retry shortly")).header("Retry-After", "5").build();
        }
    }

    /** The fields the teardown reads; the registry sends them from its write model, so a miss is a bug there. */
    private static Optional<String> broken(TeardownPreview.Request request) {
        if (request == null) {
            return Optional.of("give {clusterId, owner, spec}");
        }
        List<String> missing = new ArrayList<>();
        if (request.clusterId() == null) {
            missing.add("clusterId");
        }
        if (request.owner() == null || request.owner().isBlank()) {
            missing.add("owner");
        }
        ClusterSpec spec = request.spec();
        if (spec == null) {
            missing.add("spec");
        } else {
            SpecRules.region(spec.region()).ifPresent(m -> missing.add("spec.region: " + m));
            SpecRules.roleArn(spec.roleArn()).ifPresent(m -> missing.add("spec.roleArn: " + m));
            SpecRules.bucketName(spec.bucketName()).ifPresent(m -> missing.add("spec.bucketName: " + m));
            SpecRules.eksClusterName(spec.eksClusterName()).ifPresent(m -> missing.add("spec.eksClusterName: " + m));
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("missing or invalid: " + String.join(", ", missing));
    }
}
