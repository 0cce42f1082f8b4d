package dev.byoc.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** {@code @WithTestResource(PostgresResource.class)}: a fresh database on a real PostgreSQL. */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
        PostgresServer server = PostgresServer.shared();
        String database = server.createDatabase("byoc_test");
        return Map.of(
                // postgresql://host:port/db: the services derive their reactive and Flyway URLs from it
                "byoc.db.url", server.url(database),
                "byoc.db.user", server.user(),
                "byoc.db.password", "");
    }

    @Override
    public void stop() {
        // databases are dropped when the JVM exits
    }
}
