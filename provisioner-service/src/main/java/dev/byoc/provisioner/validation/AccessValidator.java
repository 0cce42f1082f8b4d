package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.CheckIds.OLD_CREDENTIAL_REVOKED;
import static dev.byoc.provisioner.validation.CheckIds.KUBERNETES_API;
import static dev.byoc.provisioner.validation.CheckIds.QUOTAS;

import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessCheck.Access;
import dev.byoc.provisioner.validation.AccessCheck.Target;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Runs the checks of DESIGN §6 against the customer's account and returns the full report, in
 * order. Each check is its own {@link AccessCheck}; this class only decides what runs after what:
 * a check that cannot run because an earlier one failed is {@code skipped} with that reason.
 * Every AWS call has the deadline of {@link AwsClients}; nothing here waits longer than the
 * assume-role retry window plus one deadline per call.
 *
 * <p>The tenant boundary (DESIGN §1): the role is assumed only with the external ID issued to the
 * cluster's owner (never one from the event), never when it is in the platform's own AWS account,
 * and the assumed session is not used at all when the trust policy turns out to be open to any
 * caller ({@code external-id-enforced} fails): the checks that act in the account are skipped.
 */
@ApplicationScoped
public class AccessValidator {
    private static final Logger LOG = Logger.getLogger(AccessValidator.class);

    /** The platform prefix: the only place in the bucket the platform writes (each cluster under its own {@link #prefix}). */
    public static final String PREFIX = "byoc/";

    static final String EXTERNAL_ID_CONDITION = "{\"StringEquals\": {\"sts:ExternalId\": \"<your issued external ID>\"}}";

    /** Why the checks that act in the account do not run when the trust policy does not require the external ID. */
    public static final String OPEN_TRUST = "the trust policy is open to any caller; the platform does not act in this "
            + "account until it requires the external ID";

    static final String INTERNAL_ERROR = "internal error while checking";

    /** Everything the platform writes for one cluster lives under {@code byoc/<clusterId>/}: teardown deletes only that. */
    public static String prefix(UUID clusterId) {
        return PREFIX + clusterId + "/";
    }

    /** Stands for the cluster's name in a remediation until {@link Report#named} fills it in. */
    static final String CLUSTER = "{cluster}";

    /** Where to get the issued ID and the trust policy; said wherever the user has to put it in a trust policy. */
    static final String PREREQUISITES = "`byoc clusters prerequisites` prints your issued external ID and the exact trust policy";

    /** The remediation of an open trust policy, for validation and teardown alike. */
    public static String openTrustRemediation(String roleArn) {
        return "add the condition " + EXTERNAL_ID_CONDITION + " to the trust policy of " + roleArn
                + " (the Terraform module does this; " + PREREQUISITES + "); then run `byoc clusters verify {cluster}`";
    }

    /** The checks, and whether a quotas {@code warn} is only about the legacy quota (strict mode does not promote it). */
    public record Report(List<Check> checks, boolean quotaWarnIsLegacyOnly) {
        /**
         * The report as its cluster's owner reads it: the checks know the spec, not the name the
         * owner gave the cluster, so their remediations say {@value #CLUSTER} where the command to
         * run again names it.
         */
        public Report named(String cluster) {
            return new Report(checks.stream().map(c -> c.remediation() == null || !c.remediation().contains(CLUSTER) ? c
                    : new Check(c.id(), c.status(), c.message(), c.remediation().replace(CLUSTER, cluster))).toList(),
                    quotaWarnIsLegacyOnly);
        }

        /**
         * The checks that make the validation fail: every {@code fail}, and with {@code strict} every {@code warn}
         * but the old credential's (a still-trusted previous role is the customer's clean-up, never a reason to stop
         * a cluster that runs on its new one).
         */
        public List<Check> blocking(boolean strict) {
            return checks.stream().filter(c -> c.status() == Check.Status.fail || strict && c.status() == Check.Status.warn
                    && !(QUOTAS.equals(c.id()) && quotaWarnIsLegacyOnly) && !OLD_CREDENTIAL_REVOKED.equals(c.id())).toList();
        }
    }

    private final AwsClients aws;
    private final AssumeRoleCheck assumeRole;
    private final ExternalIdEnforcedCheck externalIdEnforced;
    private final AccountMatchesCheck accountMatches;
    private final EksClusterCheck eksCluster;
    private final KubernetesApiCheck kubernetesApi;
    private final S3BucketCheck s3Bucket;
    private final QuotaCheck quotas;
    private final ConcurrentChecks concurrently;
    private final OldCredentialRevokedCheck oldCredential;

    AccessValidator(AwsClients aws, AssumeRoleCheck assumeRole, ExternalIdEnforcedCheck externalIdEnforced,
            AccountMatchesCheck accountMatches, EksClusterCheck eksCluster, KubernetesApiCheck kubernetesApi,
            S3BucketCheck s3Bucket, QuotaCheck quotas, ConcurrentChecks concurrently, OldCredentialRevokedCheck oldCredential) {
        this.oldCredential = oldCredential;
        this.aws = aws;
        this.concurrently = concurrently;
        this.assumeRole = assumeRole;
        this.externalIdEnforced = externalIdEnforced;
        this.accountMatches = accountMatches;
        this.eksCluster = eksCluster;
        this.kubernetesApi = kubernetesApi;
        this.s3Bucket = s3Bucket;
        this.quotas = quotas;
    }

    /** @param owner the cluster's owner (from the event): the role is assumed with the external ID issued to them */
    public Report validate(UUID clusterId, String owner, ClusterSpec spec) throws InterruptedException {
        // after a rotation, whatever the new role's report: the old role's access is a finding of its own
        return oldCredential.appendTo(validateRole(clusterId, owner, spec), Target.of(clusterId, owner, spec),
                new Access(aws.sts(spec.region()), null));
    }

    private Report validateRole(UUID clusterId, String owner, ClusterSpec spec) throws InterruptedException {
        Target target = Target.of(clusterId, owner, spec);
        List<Check> checks = new ArrayList<>();
        StsClient platform = aws.sts(spec.region());
        Access platformOnly = new Access(platform, null);
        AssumeRoleCheck.Assumed role = assumeRole.run(target, platformOnly);
        checks.add(role.check());
        if (role.credentials() == null) {
            skipRest(checks, role.refused() ? "not checked: the platform did not assume the role"
                    : "not checked: assume-role failed, so the platform has no access to the account", "fix assume-role first");
            return new Report(checks, false);
        }
        Check enforced = guard(externalIdEnforced, target, platformOnly);
        checks.add(enforced);
        if (enforced.status() == Check.Status.fail) {
            // the confused-deputy stop: the assumed session is dropped unused, nothing is read or written there
            skipRest(checks, enforced.message().startsWith(INTERNAL_ERROR)
                    ? "not checked: external-id-enforced could not be checked, so the platform does not act in this account"
                    : OPEN_TRUST, openTrustRemediation(spec.roleArn()));
            return new Report(checks, false);
        }
        // the checks in the account depend on nothing but the session, so they run at once; only
        // kubernetes-api needs eks-cluster's answer (the endpoint and CA), so it follows it in its task
        Access assumed = new Access(platform, RoleSession.credentials(role.credentials()));
        boolean[] legacyQuotaWarning = {false};
        List<Callable<List<Check>>> inAccount = List.of(
                () -> List.of(guard(accountMatches, target, assumed)),
                () -> eksThenKubernetes(target, assumed),
                () -> List.of(guard(s3Bucket, target, assumed)),
                () -> {
                    QuotaCheck.Result result = quotas(target, assumed);
                    legacyQuotaWarning[0] = result.legacyOnly();
                    return List.of(result.check());
                });
        concurrently.all(inAccount).forEach(checks::addAll);
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("validation of " + clusterId + " interrupted");
        }
        return new Report(checks, legacyQuotaWarning[0]);
    }

    /** eks-cluster, then kubernetes-api with the cluster it described; skipped when there is none to call. */
    private List<Check> eksThenKubernetes(Target target, Access assumed) throws InterruptedException {
        EksClusterCheck.Described described;
        try {
            described = eksCluster.run(target, assumed);
        } catch (RuntimeException e) {
            described = new EksClusterCheck.Described(internalError(eksCluster.id(), e), null);
        }
        if (described.cluster() == null) {
            return List.of(described.check(), Check.skipped(KUBERNETES_API, "not checked: eks-cluster failed, so the platform "
                    + "does not know the cluster's API endpoint", "fix eks-cluster first"));
        }
        try {
            return List.of(described.check(), kubernetesApi.run(target, assumed, described.cluster()));
        } catch (RuntimeException e) {
            return List.of(described.check(), internalError(KUBERNETES_API, e));
        }
    }

    /** A check never throws: an unexpected error becomes a {@code fail} naming it, so the report stays complete. */
    private Check guard(AccessCheck check, Target target, Access access) throws InterruptedException {
        try {
            return check.run(target, access).check();
        } catch (RuntimeException e) {
            return internalError(check.id(), e);
        }
    }

    private static Check internalError(String id, RuntimeException e) {
        rethrowInterrupted(e);
        LOG.errorf(e, "check %s failed unexpectedly", id);
        return Check.fail(id, INTERNAL_ERROR + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                "run `byoc clusters verify {cluster}` again; contact the platform operators if this persists");
    }

    /** Quotas never fail the validation, not even on an unexpected error: it makes the check {@code skipped}. */
    private QuotaCheck.Result quotas(Target target, Access assumed) {
        try {
            return quotas.run(target, assumed);
        } catch (RuntimeException e) {
            rethrowInterrupted(e);
            LOG.errorf(e, "quotas check of cluster %s failed unexpectedly", target.clusterId());
            return new QuotaCheck.Result(Check.skipped(QUOTAS, "internal error while reading quotas: " + e, null), false);
        }
    }

    /** Shutdown and the platform's own faults end the validation without a report; nothing else does. */
    private static void rethrowInterrupted(RuntimeException e) {
        if (e instanceof ValidationInterrupted || e instanceof dev.byoc.provisioner.aws.PlatformFault) {
            throw e;
        }
        ValidationInterrupted.throwIfAborted(e);
    }

    private void skipRest(List<Check> checks, String reason, String remediation) {
        for (String id : CheckIds.ORDER) {
            if (checks.stream().noneMatch(c -> c.id().equals(id))) {
                checks.add(Check.skipped(id, reason, remediation));
            }
        }
    }

    /** Shutdown interrupted the validation: no report is published, the record is redelivered. */
    public static class ValidationInterrupted extends RuntimeException {
        ValidationInterrupted(Throwable cause) {
            super("validation interrupted", cause);
        }

        /** An SDK call aborted because this thread was interrupted (shutdown) is not a finding about the account. */
        static void throwIfAborted(RuntimeException e) {
            if (e instanceof AbortedException && Thread.currentThread().isInterrupted()) {
                throw new ValidationInterrupted(e);
            }
        }
    }
}
