package dev.byoc.registry.projection;

import dev.byoc.registry.auth.CurrentUser;
import dev.byoc.registry.problem.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/** Admin: rebuild the cluster view from offset 0 and follow its progress. */
@Path("/api/v1/admin/projections/cluster-view")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionAdminResource {
    private final ClusterViewRebuild rebuild;
    private final CurrentUser user;

    ProjectionAdminResource(ClusterViewRebuild rebuild, CurrentUser user) {
        this.rebuild = rebuild;
        this.user = user;
    }

    @GET
    public Uni<Map<String, Object>> progress() {
        requireAdmin();
        return rebuild.progress();
    }

    @POST
    @Path("rebuild")
    public Uni<Response> start() {
        requireAdmin();
        return rebuild.start().map(progress -> Response.accepted(progress).build());
    }

    private void requireAdmin() {
        if (!user.admin()) {
            throw new ProblemException(403, "forbidden", "Forbidden", "only admins rebuild projections", null);
        }
    }
}
