package dev.byoc.registry.tenant;

import dev.byoc.contracts.spec.GridClusterRequest;
import dev.byoc.contracts.spec.Violation;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.contracts.tenant.TenantRules;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The tenant boundary at the front door: each user's issued external ID, and the rules that a
 * request may name only its caller's ID and never a role in the platform's own account.
 * {@link Startup} so a missing or short secret stops the service at boot, not at the first request.
 */
@Startup
@ApplicationScoped
public class Tenants {
    private final ExternalIds ids;
    private final String principalArn;
    private final Set<String> platformAccounts = new TreeSet<>();

    Tenants(TenantConfig.ExternalId externalId, TenantConfig.Aws aws) {
        this.ids = ExternalIds.withSecret(externalId.secret());
        this.principalArn = aws.platformPrincipalArn();
        // the principal is required here: the prerequisites name it to every customer
        platformAccounts.addAll(TenantRules.platformAccounts(java.util.Optional.of(principalArn),
                aws.platformAccountIds().orElse(List.of())));
        if (platformAccounts.isEmpty()) {
            throw new IllegalStateException("byoc.aws.platform-principal-arn (BYOC_AWS_PLATFORM_PRINCIPAL_ARN) must be "
                    + "the IAM ARN of the platform's AWS principal, e.g. arn:aws:iam::123456789012:role/byoc-platform");
        }
    }

    public String externalIdOf(String owner) {
        return ids.issuedTo(owner);
    }

    /** What anyone may see of the owner's ID, the owner included outside of the prerequisites call. */
    public String maskedExternalIdOf(String owner) {
        return ExternalIds.mask(ids.issuedTo(owner));
    }

    public String principalArn() {
        return principalArn;
    }

    /** The broken tenant rules of a request {@code owner} makes, with their JSON paths. */
    public List<Violation> violations(String owner, GridClusterRequest.Parsed request) {
        List<Violation> violations = new ArrayList<>(roleViolations(request.spec().roleArn()));
        TenantRules.externalId(request.externalId(), ids.issuedTo(owner))
                .ifPresent(m -> violations.add(new Violation(GridClusterRequest.AWS + ".external_id", m)));
        return violations;
    }

    /** A role the cluster may use, at registration or as a rotation's candidate: never one in the platform's accounts. */
    public List<Violation> roleViolations(String roleArn) {
        return TenantRules.roleAccount(roleArn, platformAccounts)
                .map(m -> List.of(new Violation(GridClusterRequest.AWS + ".role_arn", m))).orElse(List.of());
    }
}
