package dev.byoc.contracts.tenant;

import dev.byoc.contracts.spec.SpecRules;
import java.util.Collection;
import java.util.Optional;

/**
 * The tenant boundary of DESIGN §1 and §5, one implementation for the CLI and the server: a
 * cluster may only name its owner's issued external ID, and never a role in the platform's own
 * AWS account. Each returns the message to show, which never contains the full ID.
 */
public final class TenantRules {
    public static final String PREREQUISITES_HINT = "`byoc clusters prerequisites` (GET /api/v1/aws/prerequisites) prints it";

    private TenantRules() {
    }

    /**
     * @param given  the external ID the request carries, or null (then the issued one is used)
     * @param issued the caller's issued external ID
     */
    public static Optional<String> externalId(String given, String issued) {
        if (given == null) {
            return Optional.empty();
        }
        if (java.security.MessageDigest.isEqual(given.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                issued.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        return Optional.of("this is not the external ID the platform issued to you (yours ends "
                + ExternalIds.mask(issued) + "): put your issued external ID in the role's trust policy "
                + "(sts:ExternalId) — with Grid's Terraform module set external_id_override to it and run "
                + "terraform apply again — then register with that external_id, or leave external_id out; "
                + PREREQUISITES_HINT);
    }

    /** @param platformAccounts the AWS accounts the platform itself runs in */
    public static Optional<String> roleAccount(String roleArn, Collection<String> platformAccounts) {
        String account = roleArn == null ? null : SpecRules.accountOf(roleArn);
        if (account != null && platformAccounts.contains(account)) {
            return Optional.of("role " + roleArn + " is in the platform's own AWS account " + account
                    + "; register the role the Terraform module created in your account");
        }
        return Optional.empty();
    }
}
