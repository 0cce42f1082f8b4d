package dev.byoc.registry;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * {@code @WithTestResource(ProvisionerStandIn.class)}: an HTTP stand-in for the provisioner's internal
 * API, so the registry's side of the seam (auth header, body, timeouts, failures) is tested on its
 * own; the real provisioner answers in the provisioner's TeardownPreviewTests and the system tests.
 */
public class ProvisionerStandIn implements QuarkusTestResourceLifecycleManager {
    private static WireMockServer server;

    static synchronized WireMockServer server() {
        if (server == null) {
            server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
        }
        return server;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("byoc.internal-api.provisioner-url", "http://127.0.0.1:" + server().port());
    }

    @Override
    public void stop() {
        // shared; stopped when the JVM exits
    }
}
