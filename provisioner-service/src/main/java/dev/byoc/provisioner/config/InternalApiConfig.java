package dev.byoc.provisioner.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The internal API the registry calls ({@code /internal/v1/*} on the HTTP port), {@code byoc.internal-api.*}.
 * The registry has the same setting (its {@code tenant/InternalApiConfig}).
 */
@ConfigMapping(prefix = "byoc.internal-api")
public interface InternalApiConfig {
    /**
     * the shared secret the registry sends as {@code Authorization: Bearer <secret>}
     * (BYOC_INTERNAL_API_SECRET), at least 32 characters; unset = the internal API refuses every call
     * (503), so the registry's previews answer 503 while the rest of the provisioner works. Never logged.
     */
    Optional<String> secret();
}
