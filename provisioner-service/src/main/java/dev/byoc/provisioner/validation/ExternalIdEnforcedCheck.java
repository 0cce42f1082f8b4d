package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.CheckIds.EXTERNAL_ID_ENFORCED;

import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator.ValidationInterrupted;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * {@code external-id-enforced}, the confused-deputy test: without the external ID, or with a wrong
 * one, AssumeRole must fail. Uses only the platform's credentials; the probe is the one teardown
 * runs too ({@link RoleSession#probeTrust}).
 */
@ApplicationScoped
public class ExternalIdEnforcedCheck implements AccessCheck {
    private final AwsClients aws;

    ExternalIdEnforcedCheck(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public String id() {
        return EXTERNAL_ID_ENFORCED;
    }

    @Override
    public Line run(Target target, Access access) {
        return new Line(check(access.platform(), target.spec(), target.sessionName()));
    }

    private Check check(StsClient platform, ClusterSpec spec, String session) {
        String remediation = AccessValidator.openTrustRemediation(spec.roleArn());
        try {
            RoleSession.TrustProbe probe = RoleSession.probeTrust(platform, spec.roleArn(), session);
            return switch (probe.trust()) {
                case ENFORCED -> Check.pass(EXTERNAL_ID_ENFORCED, probe.finding());
                case OPEN -> Check.fail(EXTERNAL_ID_ENFORCED, probe.finding() + ": its trust policy does not enforce "
                        + "sts:ExternalId, so anyone who learns the role ARN can ask the platform to act on your account "
                        + "(the confused deputy problem)", remediation);
                case UNCONFIRMED -> Check.warn(EXTERNAL_ID_ENFORCED, "could not confirm the external ID is enforced: "
                        + probe.finding(), remediation);
            };
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole (trust probe)");
            return Check.warn(EXTERNAL_ID_ENFORCED, "could not confirm the external ID is enforced: "
                    + aws.clientFailure(e, "sts:AssumeRole"), "run `byoc clusters verify {cluster}` again");
        }
    }
}
