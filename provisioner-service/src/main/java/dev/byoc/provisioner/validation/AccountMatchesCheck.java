package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.CheckIds.ACCOUNT_MATCHES;

import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator.ValidationInterrupted;
import jakarta.enterprise.context.ApplicationScoped;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** {@code account-matches}: the assumed session is in the account the role ARN names (sts:GetCallerIdentity). */
@ApplicationScoped
public class AccountMatchesCheck implements AccessCheck {
    private final AwsClients aws;

    AccountMatchesCheck(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public String id() {
        return ACCOUNT_MATCHES;
    }

    @Override
    public Line run(Target target, Access access) {
        return new Line(check(target.spec(), target.account(), access.assumed()));
    }

    private Check check(ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        try {
            String actual = aws.sts(spec.region()).getCallerIdentity(r -> r.overrideConfiguration(AwsClients.as(assumed))).account();
            return account.equals(actual) ? Check.pass(ACCOUNT_MATCHES, "the assumed role is in account " + actual)
                    : Check.fail(ACCOUNT_MATCHES, "the role ARN names account " + account + " but the session is in account "
                            + actual, "use the role ARN the Terraform module printed for this account");
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, "sts:GetCallerIdentity");
            return Check.fail(ACCOUNT_MATCHES, "sts:GetCallerIdentity with the assumed role failed: " + RoleSession.describe(e),
                    "run `byoc clusters verify {cluster}` again; contact the platform operators if this persists");
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "sts:GetCallerIdentity");
            return Check.fail(ACCOUNT_MATCHES, aws.clientFailure(e, "sts:GetCallerIdentity"), "run `byoc clusters verify {cluster}` again");
        }
    }
}
