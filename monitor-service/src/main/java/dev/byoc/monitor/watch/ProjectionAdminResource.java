package dev.byoc.monitor.watch;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * Ops: rebuild the watch list from offset 0 and follow its progress. An operator endpoint: like
 * every /api/ call it needs the admin key ({@link dev.byoc.monitor.auth.AdminKeyFilter}).
 */
@Path("/api/v1/admin/projections/watch-list")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionAdminResource {
    private final WatchListRebuild rebuild;

    ProjectionAdminResource(WatchListRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @GET
    public Uni<Map<String, Object>> progress() {
        return rebuild.progress();
    }

    @POST
    @Path("rebuild")
    public Uni<Response> start() {
        return rebuild.start().map(progress -> Response.accepted(progress).build());
    }
}
