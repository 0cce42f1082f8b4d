package dev.byoc.registry.auth;

import dev.byoc.registry.cluster.ClusterRepository;
import dev.byoc.registry.cluster.ClusterRow;
import dev.byoc.registry.cluster.ClusterService;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.registry.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import dev.byoc.support.db.Transactions;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/** The caller's default cluster (Grid's {@code user set-cluster-context}). */
@Path("/api/v1/users/me")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterContextResource {
    public record ContextRequest(String cluster) {
    }

    private final UserRepository users;
    private final ClusterRepository clusters;
    private final ClusterService service;
    private final CurrentUser user;

    ClusterContextResource(UserRepository users, ClusterRepository clusters, ClusterService service, CurrentUser user) {
        this.users = users;
        this.clusters = clusters;
        this.service = service;
        this.user = user;
    }

    @GET
    public Map<String, Object> me() {
        return Map.of("username", user.username(), "admin", user.admin());
    }

    @GET
    @Path("cluster-context")
    public Uni<Map<String, Object>> get() {
        return Transactions.inSession(session -> users.byName(user.username()).chain(found -> {
            var context = found.map(UserRepository.User::clusterContext).orElse(null);
            if (context == null) {
                throw ProblemException.notFound("no cluster context set; use PUT with {\"cluster\": \"<name>\"}");
            }
            return clusters.byId(context);
        })).map(cluster -> {
            ClusterRow row = cluster.filter(r -> !r.released())
                    .orElseThrow(() -> ProblemException.notFound("the context cluster was deleted; set another one"));
            return Map.<String, Object>of("cluster", row.name(), "id", row.id());
        });
    }

    @PUT
    @Path("cluster-context")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> set(ContextRequest request) {
        if (request == null || request.cluster() == null || request.cluster().isBlank()) {
            throw ProblemException.invalid(List.of(new Violation("cluster", "give the cluster name")));
        }
        String username = user.username();
        return Transactions.inTransaction(session -> service.live(username, request.cluster())
                .call(row -> users.setClusterContext(username, row.id())))
                .map(row -> Map.<String, Object>of("cluster", row.name(), "id", row.id()));
    }
}
