package dev.byoc.provisioner.validation;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.spec.SpecRules;
import java.util.UUID;
import dev.byoc.provisioner.aws.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * One check of the report (DESIGN §6), one class each. {@link AccessValidator} decides which run,
 * in which order, and what is skipped when one fails; a check only looks at the account.
 *
 * <p>A finding about the account (AccessDenied, not found, a timeout) is the check's {@link Check},
 * never an exception. An SDK call aborted by shutdown throws {@link AccessValidator.ValidationInterrupted}.
 */
public interface AccessCheck {
    /** Its id in the report: one of {@link CheckIds}. */
    String id();

    /** @throws InterruptedException shutdown interrupted a wait (assume-role's backoff) */
    Finding run(Target target, Access access) throws InterruptedException;

    /**
     * The cluster whose account is checked.
     *
     * @param account the AWS account named in the role ARN
     * @param sessionName the role session name of every AssumeRole for this cluster
     */
    record Target(UUID clusterId, String owner, ClusterSpec spec, String account, String sessionName) {
        public static Target of(UUID clusterId, String owner, ClusterSpec spec) {
            return new Target(clusterId, owner, spec, SpecRules.accountOf(spec.roleArn()), "byoc-" + clusterId);
        }
    }

    /**
     * What a check may call AWS with: the platform's own STS client, and the assumed role's
     * credentials, which are {@code null} until {@code assume-role} passed and the trust policy was
     * found to require the external ID.
     */
    record Access(StsClient platform, AwsCredentialsProvider assumed) {
        /** What a request made in the customer's account carries: the assumed session's credentials. */
        public AwsRequestOverrideConfiguration asAssumed() {
            return AwsClients.as(assumed);
        }
    }

    /** What a check found: its line in the report, plus whatever the checks after it depend on. */
    interface Finding {
        Check check();
    }

    /** The finding of a check that nothing else depends on: only its line. */
    record Line(Check check) implements Finding {
    }
}
