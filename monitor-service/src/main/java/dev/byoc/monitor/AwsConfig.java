package dev.byoc.monitor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import java.time.Duration;

/**
 * How the monitor calls AWS: only {@code byoc.aws.call-timeout} (value and profiles in
 * application.properties; endpoints and credentials are the SDK's own standard settings).
 *
 * <p>The prefix is the key itself, not {@code byoc.aws}: the {@code byoc.aws.*} keys are shared by
 * the services, and a {@code byoc.aws} mapping would refuse to start (SRCFG00050) on the platform
 * identity keys the monitor does not read, which are set for every service (test-support's
 * {@code AwsResource} sets {@code byoc.aws.platform-principal-arn}).
 */
@ConfigMapping(prefix = "byoc.aws.call-timeout")
public interface AwsConfig {
    /** deadline of each AWS call (AssumeRole, DescribeCluster), also the socket read timeout (application.properties: 20s, test 3s) */
    @WithParentName
    Duration callTimeout();
}
