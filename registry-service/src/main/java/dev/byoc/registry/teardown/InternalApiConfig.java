package dev.byoc.registry.teardown;

import io.smallrye.config.ConfigMapping;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How the registry reaches the provisioner's internal API, {@code byoc.internal-api.*} (the
 * provisioner has the same {@code secret}). Used for the teardown preview only: the registry has no
 * AWS access, the provisioner does.
 */
@ConfigMapping(prefix = "byoc.internal-api")
public interface InternalApiConfig {
    /**
     * the shared secret sent as {@code Authorization: Bearer} (BYOC_INTERNAL_API_SECRET), the same value
     * as the provisioner's, at least 32 characters; unset = previews answer 503. Never logged.
     */
    Optional<String> secret();

    /** the provisioner's HTTP port (BYOC_INTERNAL_API_PROVISIONER_URL); any replica answers (application.properties: http://127.0.0.1:8081) */
    URI provisionerUrl();

    /**
     * how long one preview may take, connection included (BYOC_INTERNAL_API_TIMEOUT); after it the
     * caller gets 503. Below the CLI's 30 s request timeout, so the CLI sees the 503, not its own timeout
     * (application.properties: 20s, test 2s)
     */
    Duration timeout();
}
