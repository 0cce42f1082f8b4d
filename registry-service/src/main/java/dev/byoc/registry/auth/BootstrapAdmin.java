package dev.byoc.registry.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import dev.byoc.support.db.Transactions;

/** The bootstrap admin key acts as user "admin"; the row must exist for ownership references. */
@ApplicationScoped
public class BootstrapAdmin {
    void onStart(@Observes StartupEvent event, UserRepository users) {
        Transactions.await(session -> users.create(ApiKeyFilter.BOOTSTRAP_ADMIN, true));
    }
}
