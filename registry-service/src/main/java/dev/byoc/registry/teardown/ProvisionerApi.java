package dev.byoc.registry.teardown;

import dev.byoc.contracts.teardown.TeardownPreview;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The provisioner's internal API (its {@code internal/TeardownPreviewResource}), built by {@link TeardownPreviews}. */
@Path("/internal/v1")
public interface ProvisionerApi {
    @POST
    @Path("/teardown-preview")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<TeardownPreview> teardownPreview(@HeaderParam("Authorization") String authorization, TeardownPreview.Request request);
}
