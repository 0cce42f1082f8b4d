package dev.byoc.provisioner.aws;

import dev.byoc.contracts.tenant.TenantRules;
import dev.byoc.provisioner.config.AwsConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * Who the platform is in AWS: the principal customers trust, and the platform's own accounts, in
 * which the provisioner never assumes a role (a role there would let whoever registers it borrow
 * the platform's own privileges). The accounts are the account of
 * {@code byoc.aws.platform-principal-arn}, the listed {@code byoc.aws.platform-account-ids}, and
 * the account of the platform's credentials as sts:GetCallerIdentity reports it (asked once, then
 * cached: the credentials' account does not change while the process runs). A malformed setting
 * stops start-up ({@link Startup}) rather than silently leaving an account unprotected.
 */
@Startup
@ApplicationScoped
public class PlatformIdentity {
    private final Optional<String> configuredPrincipal;
    private final Set<String> configuredAccounts = new LinkedHashSet<>();
    private volatile GetCallerIdentityResponse caller;

    PlatformIdentity(AwsConfig config) {
        Optional<String> principal = config.platformPrincipalArn();
        Optional<List<String>> accounts = config.platformAccountIds();
        this.configuredPrincipal = principal.map(String::trim).filter(p -> !p.isEmpty());
        configuredAccounts.addAll(TenantRules.platformAccounts(principal, accounts.orElse(List.of())));
    }

    /**
     * The refusal message when {@code roleArn} is in one of the platform's own accounts.
     *
     * @throws software.amazon.awssdk.core.exception.SdkException when the platform's own account
     *         cannot be learnt (then nothing is assumed: the caller fails closed)
     */
    public Optional<String> refusal(StsClient platform, String roleArn) {
        Set<String> accounts = new LinkedHashSet<>(configuredAccounts);
        accounts.add(caller(platform).account());
        return TenantRules.roleAccount(roleArn, accounts);
    }

    /** The IAM principal a customer's trust policy must name: the configured one, else the caller's own. */
    public String principal(StsClient platform) {
        if (configuredPrincipal.isPresent()) {
            return configuredPrincipal.get();
        }
        try {
            return RoleSession.trustablePrincipal(caller(platform).arn());
        } catch (RuntimeException e) {
            return "of the platform (see the platform's documentation)";
        }
    }

    private GetCallerIdentityResponse caller(StsClient platform) {
        GetCallerIdentityResponse known = caller;
        if (known == null) {
            known = platform.getCallerIdentity();
            caller = known;
        }
        return known;
    }

    /**
     * Forgets the cached caller identity, so the next check asks STS again. Only tests call it (to
     * give the platform's credentials another account); production never needs to.
     */
    public void forgetCallerIdentity() {
        caller = null;
    }
}
