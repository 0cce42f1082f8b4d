package dev.byoc.registry.teardown;

import dev.byoc.contracts.lifecycle.ClusterStatus;
import dev.byoc.contracts.teardown.TeardownPreview;
import dev.byoc.registry.cluster.ClusterRow;
import dev.byoc.registry.cluster.ClusterService;
import dev.byoc.registry.problem.ProblemException;
import dev.byoc.support.db.Transactions;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * {@code DELETE /api/v1/clusters/{name}?dryRun=true}: what a teardown would remove and leave,
 * changing nothing — no event, no status change, no object touched.
 *
 * <p>The seam: the registry has no AWS access (DESIGN §2) and the provisioner owns the teardown, so
 * the registry asks the provisioner over its internal HTTP API (shared secret), synchronously — the
 * user waits for the answer, and an event would put a fact that never happened on the cluster's
 * log. The registry decides whose cluster it is (another user's is 404, as for the real DELETE)
 * and sends the owner from its write model; the provisioner then applies the teardown's own tenant
 * boundary and listing. Whatever goes wrong between the two (provisioner down, slow, misconfigured)
 * is 503 with Retry-After: never another 5xx, never a hang.
 */
@ApplicationScoped
public class TeardownPreviews {
    private static final Logger LOG = Logger.getLogger(TeardownPreviews.class);
    static final int RETRY_AFTER_SECONDS = 5;

    private final ClusterService service;
    private final InternalApiConfig config;
    private final ProvisionerApi provisioner;

    TeardownPreviews(ClusterService service, InternalApiConfig config) {
        this.service = service;
        this.config = config;
        long millis = config.timeout().toMillis();
        this.provisioner = QuarkusRestClientBuilder.newBuilder().baseUri(config.provisionerUrl())
                .connectTimeout(millis, TimeUnit.MILLISECONDS).readTimeout(millis, TimeUnit.MILLISECONDS)
                .build(ProvisionerApi.class);
    }

    /** The owner's cluster by name (404 otherwise), then the provisioner's preview of its teardown. */
    public Uni<Preview> preview(String owner, String name) {
        // the session ends before the provisioner is asked: no database connection held over an AWS listing
        return Transactions.inSession(session -> service.found(owner, name)).chain(cluster -> {
            if (cluster.released() || cluster.is(ClusterStatus.DELETED) || cluster.is(ClusterStatus.TERMINATING)) {
                // its teardown started (or ended): a preview would race the deletion it describes
                throw ProblemException.conflict("cluster '" + name + "' is " + (cluster.released() ? "deleted" : cluster.status())
                        + "; its teardown has already started, so there is nothing to preview (`byoc clusters describe "
                        + name + "` shows the teardown report)");
            }
            return ask(cluster).map(preview -> new Preview(cluster, preview));
        });
    }

    public record Preview(ClusterRow cluster, TeardownPreview teardown) {
    }

    private Uni<TeardownPreview> ask(ClusterRow cluster) {
        if (config.secret().filter(s -> !s.isBlank()).isEmpty()) {
            return Uni.createFrom().failure(ProblemException.unavailable("teardown-preview-unavailable",
                    "the teardown preview is not configured on this registry (byoc.internal-api.secret); nothing was changed",
                    RETRY_AFTER_SECONDS));
        }
        return provisioner.teardownPreview("Bearer " + config.secret().get(),
                        new TeardownPreview.Request(cluster.id(), cluster.owner(), cluster.spec()))
                // the client's timeouts cover connect and read; this covers everything else
                .ifNoItem().after(config.timeout()).fail()
                .onFailure().transform(e -> {
                    // the cause only: the request (and so the secret's header) is never part of what is logged
                    LOG.warnf("teardown preview of cluster %s: the provisioner at %s did not answer: %s", cluster.id(),
                            config.provisionerUrl(), describe(e));
                    return ProblemException.unavailable("provisioner-unavailable", "the provisioner, which lists what a "
                            + "teardown would remove, did not answer in time (" + describe(e) + "); nothing was changed, "
                            + "retry in a few seconds", RETRY_AFTER_SECONDS);
                });
    }

    private static String describe(Throwable e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException web) {
            return "HTTP " + web.getResponse().getStatus();
        }
        if (e instanceof io.smallrye.mutiny.TimeoutException) {
            return "no answer within the timeout";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
