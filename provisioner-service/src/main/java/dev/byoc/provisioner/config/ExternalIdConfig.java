package dev.byoc.provisioner.config;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/** The platform secret the owners' issued external IDs are derived from, {@code byoc.external-id.*}. */
@ConfigMapping(prefix = "byoc.external-id")
public interface ExternalIdConfig {
    /**
     * the secret (BYOC_EXTERNAL_ID_SECRET), at least 32 characters, the same in every service; no default.
     * Optional only so that {@code ExternalIdIssuer} can stop start-up with a message naming the setting.
     */
    Optional<String> secret();
}
