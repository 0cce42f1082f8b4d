package dev.byoc.monitor.watch;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Map;

/**
 * Ops: rebuild the watch list from offset 0 and follow its progress. Like /q/health and
 * /api/v1/watch this is an operator endpoint on the internal port; the monitor has no users.
 */
@Path("/api/v1/admin/projections/watch-list")
@Produces(MediaType.APPLICATION_JSON)
public class ProjectionAdminResource {
    private final WatchListRebuild rebuild;

    ProjectionAdminResource(WatchListRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @GET
    public Map<String, Object> progress() throws SQLException {
        return rebuild.progress();
    }

    @POST
    @Path("rebuild")
    public Response start() throws SQLException {
        return Response.accepted(rebuild.start()).build();
    }
}
