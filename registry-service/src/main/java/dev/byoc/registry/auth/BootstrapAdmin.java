package dev.byoc.registry.auth;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.SQLException;

/** The bootstrap admin key acts as user "admin"; the row must exist for ownership references. */
@ApplicationScoped
public class BootstrapAdmin {
    void onStart(@Observes StartupEvent event, UserRepository users) throws SQLException {
        users.create(ApiKeyFilter.BOOTSTRAP_ADMIN, true);
    }
}
