package dev.byoc.provisioner.config;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How the provisioner talks to AWS, {@code byoc.aws.*} (values and profiles in
 * application.properties; endpoints and credentials are the SDK's own standard settings).
 */
@ConfigMapping(prefix = "byoc.aws")
public interface AwsConfig {
    /** deadline of every AWS call and of each attempt, also the socket read timeout (application.properties: 20s, test 3s) */
    Duration callTimeout();

    /** how long AccessDenied from sts:AssumeRole is retried while IAM propagates a new role (application.properties: 90s, test 12s) */
    Duration assumeRoleRetryWindow();

    /** the platform principal customers' trust policies name (BYOC_AWS_PLATFORM_PRINCIPAL_ARN); unset = the caller identity's; its account is a platform account */
    Optional<String> platformPrincipalArn();

    /** more platform accounts, 12-digit ids (BYOC_AWS_PLATFORM_ACCOUNT_IDS, comma list), in which no role is ever assumed; unset = none */
    Optional<List<String>> platformAccountIds();
}
