package dev.byoc.provisioner.aws;

import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.config.ExternalIdConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The external ID the platform issued to a cluster's owner (DESIGN §1). Events carry no external
 * ID: the provisioner derives it from the event's {@code owner} and the platform secret
 * {@code byoc.external-id.secret}, so a record on the topic is worth nothing to whoever reads it,
 * and a user can only ever make the platform assume a role with their own issued ID.
 *
 * <p>Created at start-up ({@link Startup}), so a missing or short secret stops the service at once
 * with a message naming the setting, instead of failing every validation later.
 */
@Startup
@ApplicationScoped
public class ExternalIdIssuer {
    private final ExternalIds ids;

    ExternalIdIssuer(ExternalIdConfig config) {
        this.ids = of(config.secret().orElse(null));
    }

    /** @throws IllegalStateException naming the setting when the secret is missing or too short */
    static ExternalIds of(String secret) {
        try {
            return ExternalIds.withSecret(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("byoc.external-id.secret (env BYOC_EXTERNAL_ID_SECRET) is "
                    + (secret == null || secret.isBlank() ? "not set" : "too short") + ": the provisioner cannot derive the "
                    + "owners' external IDs without it (" + e.getMessage() + ")", e);
        }
    }

    /** The full ID: only ever sent to STS. Anything shown uses {@link ExternalIds#mask}. */
    public String issuedTo(String owner) {
        return ids.issuedTo(owner);
    }
}
