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

    /** The account of any IAM/STS ARN ({@code arn:<partition>:<service>::<account>:<resource>}). */
    public static Optional<String> accountOfPrincipal(String arn) {
        String[] parts = arn == null ? new String[0] : arn.split(":", 6);
        return parts.length == 6 && "arn".equals(parts[0]) && parts[4].matches("[0-9]{12}") ? Optional.of(parts[4])
                : Optional.empty();
    }

    /**
     * The platform's own accounts from its settings: the principal's account and the listed ones.
     * A malformed setting is an error, never skipped: a typo would leave an account unprotected.
     *
     * @throws IllegalStateException naming the setting that is wrong
     */
    public static java.util.Set<String> platformAccounts(Optional<String> principalArn, java.util.List<String> accountIds) {
        java.util.Set<String> accounts = new java.util.LinkedHashSet<>();
        principalArn.map(String::trim).filter(p -> !p.isEmpty()).ifPresent(p -> accounts.add(accountOfPrincipal(p)
                .orElseThrow(() -> new IllegalStateException("byoc.aws.platform-principal-arn (env "
                        + "BYOC_AWS_PLATFORM_PRINCIPAL_ARN) is not an IAM ARN with an account: " + p))));
        for (String account : accountIds) {
            String trimmed = account.trim();
            if (!trimmed.matches("[0-9]{12}")) {
                throw new IllegalStateException("byoc.aws.platform-account-ids (env BYOC_AWS_PLATFORM_ACCOUNT_IDS) must be "
                        + "12-digit AWS account ids, comma separated; got: " + account);
            }
            accounts.add(trimmed);
        }
        return accounts;
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
