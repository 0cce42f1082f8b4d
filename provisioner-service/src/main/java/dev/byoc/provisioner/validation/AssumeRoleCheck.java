package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.AccessValidator.EXTERNAL_ID_CONDITION;
import static dev.byoc.provisioner.validation.AccessValidator.PREREQUISITES;
import static dev.byoc.provisioner.validation.CheckIds.ASSUME_ROLE;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.ExternalIdIssuer;
import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.provisioner.aws.PlatformIdentity;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.config.AwsConfig;
import dev.byoc.provisioner.validation.AccessValidator.ValidationInterrupted;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * {@code assume-role}: refuses a role in the platform's own AWS account, then assumes the role with
 * the external ID issued to the cluster's owner (never one from the event), retrying AccessDenied
 * while IAM settles. Uses only the platform's credentials.
 */
@ApplicationScoped
public class AssumeRoleCheck implements AccessCheck {
    /**
     * @param credentials the assumed role's, or {@code null} when the check did not pass
     * @param refused the role was refused before any AssumeRole (a platform account, or that could not be ruled out)
     */
    public record Assumed(Check check, Credentials credentials, boolean refused) implements Finding {
    }

    private final AwsClients aws;
    private final ExternalIdIssuer externalIds;
    private final PlatformIdentity platformIdentity;
    private final Duration assumeRoleWindow;

    AssumeRoleCheck(AwsClients aws, ExternalIdIssuer externalIds, PlatformIdentity platformIdentity,
            AwsConfig config) {
        this.aws = aws;
        this.externalIds = externalIds;
        this.platformIdentity = platformIdentity;
        this.assumeRoleWindow = config.assumeRoleRetryWindow();
    }

    @Override
    public String id() {
        return ASSUME_ROLE;
    }

    @Override
    public Assumed run(Target target, Access access) throws InterruptedException {
        ClusterSpec spec = target.spec();
        StsClient platform = access.platform();
        String externalId = externalIds.issuedTo(target.owner());
        String masked = ExternalIds.mask(externalId);
        Optional<Check> refused = platformAccount(platform, spec);
        if (refused.isPresent()) {
            return new Assumed(refused.get(), null, true);
        }
        AtomicInteger attempts = new AtomicInteger();
        Instant started = Instant.now();
        try {
            Credentials credentials = RoleSession.assumeWithRetry(platform, spec.roleArn(), externalId, target.sessionName(),
                    assumeRoleWindow, attempts);
            return new Assumed(Check.pass(ASSUME_ROLE, "assumed " + spec.roleArn() + " with external ID " + masked
                    + " (the one issued to " + target.owner() + ")"
                    + (attempts.get() > 1 ? " after " + attempts.get() + " attempts in " + seconds(started)
                            + " s (IAM was still propagating the role or its trust policy)" : "")), credentials, false);
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole");
            return new Assumed(assumeRoleFailed(platform, spec, masked, e, attempts.get(), started), null, false);
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole");
            return new Assumed(Check.fail(ASSUME_ROLE, aws.clientFailure(e, "sts:AssumeRole") + " on " + spec.roleArn(),
                    "this is on the platform side or the network: check that STS in " + spec.region()
                            + " is reachable, then run `byoc clusters verify {cluster}`"), null, false);
        }
    }

    /**
     * The role must not be in the platform's own AWS account (DESIGN §5): it is refused before any
     * AssumeRole. When the platform's own account cannot be learnt, nothing is assumed either.
     */
    private Optional<Check> platformAccount(StsClient platform, ClusterSpec spec) {
        String unknown = "could not make sure " + spec.roleArn() + " is outside the platform's own AWS account, so it was "
                + "not assumed: sts:GetCallerIdentity with the platform's credentials failed: ";
        String remediation = "this is a platform problem, not a problem with your role: contact the platform operators; "
                + "run `byoc clusters verify {cluster}` once they fixed it";
        try {
            return platformIdentity.refusal(platform, spec.roleArn()).map(refusal -> Check.fail(ASSUME_ROLE,
                    refusal + " (the platform never assumes a role in its own account: it would act there with "
                            + "the platform's own privileges; the role was not assumed)",
                    "register the role the Terraform module created in your own AWS account, then run `byoc clusters verify {cluster}`"));
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, "sts:GetCallerIdentity (platform)");
            return Optional.of(Check.fail(ASSUME_ROLE, unknown + RoleSession.describe(e), remediation));
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "sts:GetCallerIdentity (platform)");
            return Optional.of(Check.fail(ASSUME_ROLE, unknown + aws.clientFailure(e, "sts:GetCallerIdentity"), remediation));
        }
    }

    private Check assumeRoleFailed(StsClient platform, ClusterSpec spec, String masked, AwsServiceException e, int attempts,
            Instant started) {
        String code = RoleSession.code(e);
        String tried = attempts > 1 ? " (" + attempts + " attempts over " + seconds(started) + " s)" : "";
        String message = "cannot assume " + spec.roleArn() + " with external ID " + masked + tried + ": "
                + RoleSession.describe(e);
        return switch (code) {
            case "AccessDenied" -> Check.fail(ASSUME_ROLE, message, "make the trust policy of " + spec.roleArn()
                    + " allow sts:AssumeRole for the platform principal " + platformIdentity.principal(platform)
                    + " with the condition " + EXTERNAL_ID_CONDITION + " (yours ends " + masked + "; " + PREREQUISITES
                    + "); check that role_arn is exactly what the Terraform module printed; then run `byoc clusters verify {cluster}`");
            case "RegionDisabledException" -> Check.fail(ASSUME_ROLE, message, "activate STS in " + spec.region()
                    + " for your account (IAM console → Account settings → Security Token Service (STS) endpoints)");
            default -> Check.fail(ASSUME_ROLE, message, "check role_arn matches the Terraform output and the trust policy "
                    + "requires your issued external ID (" + PREREQUISITES + "), then run `byoc clusters verify {cluster}`");
        };
    }

    private static long seconds(Instant since) {
        return Math.max(0, Duration.between(since, Instant.now()).toSeconds());
    }
}
