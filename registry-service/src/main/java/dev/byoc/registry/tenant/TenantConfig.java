package dev.byoc.registry.tenant;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** The platform's identity towards customers' AWS accounts. */
public interface TenantConfig {

    /** {@code byoc.external-id.*} */
    @ConfigMapping(prefix = "byoc.external-id")
    interface ExternalId {
        /** The secret every user's external ID is derived from (BYOC_EXTERNAL_ID_SECRET); at least 32 characters. */
        String secret();
    }

    /** {@code byoc.aws.*} */
    @ConfigMapping(prefix = "byoc.aws")
    interface Aws {
        /** The principal customers' trust policies name (BYOC_AWS_PLATFORM_PRINCIPAL_ARN). */
        String platformPrincipalArn();

        /** More AWS accounts of the platform whose roles are refused, besides the principal's own. */
        Optional<List<String>> platformAccountIds();
    }
}
