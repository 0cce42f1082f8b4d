package dev.byoc.provisioner.validation;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.ExternalIdIssuer;
import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.provisioner.aws.PlatformIdentity;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator.ValidationInterrupted;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * {@code old-credential-revoked}, the proof of a role rotation: after the cluster moved to a new
 * role, the platform must no longer be able to assume the previous one (the spec's
 * {@code previousRoleArn}) with the owner's issued external ID. Until the customer removes the
 * platform from that role's trust policy (or deletes the role) a leaked platform credential still
 * reaches the account through it, so the check warns; once STS refuses, it passes.
 *
 * <p>Never {@code fail}, and {@link AccessValidator.Report#blocking} never counts its warning, not
 * even with {@code strict}: the cluster runs fine on its new role, and cleaning up the old trust
 * policy is the customer's step after the switch, not a reason to stop the cluster. One AssumeRole,
 * no retry: a trust policy changed seconds ago may still be honoured (IAM is eventually
 * consistent), which the next verify shows. Credentials of an old role that is still assumable are
 * dropped unused.
 */
@ApplicationScoped
public class OldCredentialRevokedCheck implements AccessCheck {
    private final AwsClients aws;
    private final ExternalIdIssuer externalIds;
    private final PlatformIdentity platformIdentity;

    OldCredentialRevokedCheck(AwsClients aws, ExternalIdIssuer externalIds, PlatformIdentity platformIdentity) {
        this.aws = aws;
        this.externalIds = externalIds;
        this.platformIdentity = platformIdentity;
    }

    @Override
    public String id() {
        return CheckIds.OLD_CREDENTIAL_REVOKED;
    }

    /** The report with this check at its end when the spec names a previous role; as it is otherwise. */
    AccessValidator.Report appendTo(AccessValidator.Report report, Target target, Access platformOnly) {
        if (target.spec().previousRoleArn() == null || target.spec().previousRoleArn().equals(target.spec().roleArn())) {
            return report;
        }
        java.util.List<Check> checks = new java.util.ArrayList<>(report.checks());
        checks.add(run(target, platformOnly).check());
        return new AccessValidator.Report(checks, report.quotaWarnIsLegacyOnly());
    }

    @Override
    public Line run(Target target, Access access) {
        String previous = target.spec().previousRoleArn();
        String externalId = externalIds.issuedTo(target.owner());
        String masked = ExternalIds.mask(externalId);
        String remediation = "remove the platform principal " + platformIdentity.principal(access.platform())
                + " from the trust policy of " + previous + " (or delete that role: terraform destroy of the old module), "
                + "then run `byoc clusters verify {cluster}`";
        Optional<String> refused;
        try {
            refused = platformIdentity.refusal(access.platform(), previous);
        } catch (software.amazon.awssdk.core.exception.SdkException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "sts:GetCallerIdentity (platform)");
            refused = Optional.of("the platform's own account could not be learnt");
        }
        if (refused.isPresent()) {
            // the tenant boundary holds for the old role too: never assumed in the platform's own account
            return new Line(Check.skipped(id(), "not checked: " + previous + " was not assumed (" + refused.get() + ")", null));
        }
        try {
            RoleSession.assume(access.platform(), previous, externalId, target.sessionName());
            return new Line(Check.warn(id(), "the platform can still assume the previous role " + previous
                    + " with external ID " + masked + ": the cluster no longer uses it, but its trust policy still trusts "
                    + "the platform", remediation));
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole (previous role)");
            if ("AccessDenied".equals(RoleSession.code(e))) {
                return new Line(Check.pass(id(), "AssumeRole of the previous role " + previous + " with external ID " + masked
                        + " is refused: the platform's access through it is revoked"));
            }
            return new Line(Check.warn(id(), "could not confirm the previous role " + previous + " is revoked: AssumeRole "
                    + "answered " + RoleSession.describe(e) + " instead of AccessDenied", remediation));
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole (previous role)");
            return new Line(Check.warn(id(), "could not confirm the previous role " + previous + " is revoked: "
                    + aws.clientFailure(e, "sts:AssumeRole"), "run `byoc clusters verify {cluster}` again"));
        }
    }
}
