package dev.byoc.provisioner.teardown;

import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.TeardownCompleted.LeftBehind;
import dev.byoc.contracts.spec.SpecRules;
import dev.byoc.contracts.teardown.TeardownPreview;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.ExternalIdIssuer;
import dev.byoc.provisioner.aws.PlatformIdentity;
import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Removes what the platform created for one cluster (the objects under {@code byoc/<clusterId>/}
 * in the bucket, page by page; never another cluster's prefix, even in a shared bucket) and lists
 * what is left. Never gets stuck: a role that can no longer be assumed ends the teardown with
 * everything listed as left behind.
 *
 * <p>The tenant boundary, checked at the moment of acting rather than trusted from an earlier
 * validation (a trust policy may have been opened since): the role is assumed only with the
 * external ID issued to the cluster's owner, never when it is in the platform's own AWS account,
 * and nothing is listed or deleted unless AssumeRole without the external ID and with a wrong one
 * are refused. This is how "teardown never runs for a cluster whose checks never passed
 * external-id-enforced" is enforced: the same probe, run again right before deleting anything.
 *
 * <p>Two steps: {@link #plan} (the boundary, ending in the assumed session or in the report of why
 * nothing is done) and the walk over the prefix, which {@link #run} deletes page by page and
 * {@link #preview} only counts. The preview behind {@code DELETE …?dryRun=true} is therefore the same
 * boundary and the same listing as the teardown, not a second implementation of either.
 */
@ApplicationScoped
public class Teardown {
    public static final String HINT = "the platform never touches the EKS cluster, the S3 bucket or the IAM role: "
            + "run `terraform destroy` in the module that created them to remove them";

    /** At most this many removed objects are listed one by one; the rest are summed up (the event must stay small). */
    static final int LISTED_REMOVALS = 100;

    /**
     * @param outcome {@code clean} (everything the platform wrote is gone), {@code partial} (some objects
     *                could not be removed), {@code no-access} (the role could not be assumed) or
     *                {@code refused} (the platform would not act: a role in its own account, or a trust
     *                policy that does not require the external ID)
     */
    public record Report(List<String> removed, List<LeftBehind> leftBehind, String outcome) {
    }

    private final AwsClients aws;
    private final ExternalIdIssuer externalIds;
    private final PlatformIdentity platformIdentity;

    Teardown(AwsClients aws, ExternalIdIssuer externalIds, PlatformIdentity platformIdentity) {
        this.aws = aws;
        this.externalIds = externalIds;
        this.platformIdentity = platformIdentity;
    }

    /**
     * Where and as whom a teardown acts, decided by {@link #plan}: either the role's session inside the
     * tenant boundary, or the final report of why nothing is done in the account.
     */
    sealed interface Plan {
        /** The boundary let the platform act: the assumed session, used only on the cluster's prefix. */
        record Acting(ClusterSpec spec, String bucket, String prefix, String account, AwsRequestOverrideConfiguration as)
                implements Plan {
        }

        /** Nothing is listed or deleted; {@code report} says why and what stays. */
        record NotActing(Report report) implements Plan {
        }
    }

    /** How a walk over the prefix ended: complete, on a bucket that no longer exists, or with the prefix left and why. */
    private record Walked(boolean bucketGone, Optional<LeftBehind> failure) {
    }

    @FunctionalInterface
    private interface PageAction {
        /** One page of the listing, only keys under the prefix, never empty. */
        void accept(List<S3Object> page);
    }

    /** @param owner the cluster's owner (from the event): the role is assumed with the external ID issued to them */
    public Report run(UUID clusterId, String owner, ClusterSpec spec) {
        Plan plan = plan(clusterId, owner, spec);
        return plan instanceof Plan.NotActing notActing ? notActing.report() : execute((Plan.Acting) plan);
    }

    /**
     * What {@link #run} would remove and leave, changing nothing: the same {@link #plan} (so the same
     * tenant boundary, probe included) and the same listing ({@link #walk}), only without the
     * DeleteObjects. That is what makes "the preview lists exactly what a teardown removes" hold by
     * construction rather than by two implementations agreeing.
     */
    public TeardownPreview preview(UUID clusterId, String owner, ClusterSpec spec) {
        String prefixUri = "s3://" + spec.bucketName() + "/" + AccessValidator.prefix(clusterId);
        Plan plan = plan(clusterId, owner, spec);
        if (plan instanceof Plan.NotActing notActing) {
            return new TeardownPreview(notActing.report().outcome(), prefixUri, 0, List.of(), notActing.report().leftBehind(),
                    HINT);
        }
        Plan.Acting acting = (Plan.Acting) plan;
        List<String> objects = new ArrayList<>();
        long[] count = {0};
        Walked walked = walk(acting, page -> {
            for (S3Object object : page) {
                count[0]++;
                if (objects.size() < TeardownPreview.LISTED) {
                    objects.add("s3://" + acting.bucket() + "/" + object.key());
                }
            }
        }, "s3:ListObjectsV2", "list");
        List<LeftBehind> left = new ArrayList<>();
        walked.failure().ifPresent(left::add);
        left.addAll(neverTouched(spec, !walked.bucketGone()));
        return new TeardownPreview(walked.failure().isPresent() ? "unlisted" : "ready", prefixUri, count[0], objects, left,
                HINT);
    }

    /**
     * The tenant boundary, at the moment of acting: never a role in the platform's own account,
     * assumed only with the owner's issued external ID, and only in an account whose trust policy
     * refuses AssumeRole without it (the confused-deputy probe).
     */
    Plan plan(UUID clusterId, String owner, ClusterSpec spec) {
        String bucket = spec.bucketName();
        String prefix = AccessValidator.prefix(clusterId);
        String prefixUri = "s3://" + bucket + "/" + prefix + "*";
        String yourself = yourself(bucket, prefix);
        String externalId = externalIds.issuedTo(owner);
        String session = "byoc-" + clusterId;
        Credentials credentials;
        StsClient sts = aws.sts(spec.region());
        Optional<String> refusal = platformAccount(sts, spec.roleArn());
        if (refusal.isPresent()) {
            return new Plan.NotActing(notActing(spec, prefixUri, refusal.get()
                    + ", so the platform did not assume it and removed nothing; " + yourself));
        }
        try {
            credentials = RoleSession.assume(sts, spec.roleArn(), externalId, session);
        } catch (SdkException e) {
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole");
            List<LeftBehind> left = new ArrayList<>();
            left.add(new LeftBehind(prefixUri, "the role can no longer be assumed with external ID "
                    + ExternalIds.mask(externalId) + " (" + failure(e, "sts:AssumeRole")
                    + "), so the platform could not remove its objects; " + yourself));
            left.addAll(neverTouched(spec, true));
            return new Plan.NotActing(new Report(List.of(), left, "no-access"));
        }
        // the confused-deputy stop, at the moment of acting: the credentials just obtained stay unused
        Optional<String> open = openTrust(sts, spec.roleArn(), session);
        if (open.isPresent()) {
            return new Plan.NotActing(notActing(spec, prefixUri, open.get() + ", so the platform removed nothing; " + yourself
                    + ", and add the sts:ExternalId condition to the trust policy of " + spec.roleArn()
                    + " (as it is, anyone who learns the role ARN can make a service act in your account)"));
        }
        return new Plan.Acting(spec, bucket, prefix, SpecRules.accountOf(spec.roleArn()),
                AwsClients.as(RoleSession.credentials(credentials)));
    }

    /** Deletes every object the walk finds under the plan's prefix, page by page. */
    private Report execute(Plan.Acting plan) {
        String bucket = plan.bucket();
        List<String> removed = new ArrayList<>();
        List<LeftBehind> left = new ArrayList<>();
        long[] removedCount = {0};
        S3Client s3 = aws.s3(plan.spec().region());
        Walked walked = walk(plan, objects -> {
            DeleteObjectsResponse result = s3.deleteObjects(r -> r.bucket(bucket).expectedBucketOwner(plan.account())
                    .overrideConfiguration(plan.as()).delete(d -> d.quiet(false).objects(objects.stream()
                            .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList())));
            for (var deleted : result.deleted()) {
                removedCount[0]++;
                if (removed.size() < LISTED_REMOVALS) {
                    removed.add("s3://" + bucket + "/" + deleted.key());
                }
            }
            result.errors().forEach(err -> left.add(new LeftBehind("s3://" + bucket + "/" + err.key(),
                    "s3:DeleteObjects refused it: " + err.code() + (err.message() == null ? "" : ": " + err.message()))));
        }, "s3:ListObjectsV2/DeleteObjects", "list or delete");
        walked.failure().ifPresent(left::add);
        if (removedCount[0] > removed.size()) {
            removed.add("… and " + (removedCount[0] - removed.size()) + " more objects under s3://" + bucket + "/"
                    + plan.prefix());
        }
        boolean clean = left.isEmpty();
        left.addAll(neverTouched(plan.spec(), !walked.bucketGone()));
        return new Report(removed, left, clean ? "clean" : "partial");
    }

    /**
     * The listing both the teardown and its preview walk: {@code s3:ListObjectsV2} of the cluster's
     * prefix only, with ExpectedBucketOwner, page by page, handing each page to {@code action}. A
     * failure of the listing or of the action ends the walk with the prefix left behind (or, for a
     * bucket that no longer exists, with nothing to leave).
     */
    private Walked walk(Plan.Acting plan, PageAction action, String api, String verb) {
        String prefix = plan.prefix();
        S3Client s3 = aws.s3(plan.spec().region());
        try {
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(plan.bucket()).prefix(prefix)
                    .expectedBucketOwner(plan.account()).overrideConfiguration(plan.as()))) {
                // S3 only lists keys under the prefix; checked anyway, because a key outside it is never ours to delete
                List<S3Object> objects = page.contents().stream().filter(o -> o.key().startsWith(prefix)).toList();
                if (!objects.isEmpty()) {
                    action.accept(objects);
                }
            }
            return new Walked(false, Optional.empty());
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, api);
            if (e.statusCode() == 404 && "NoSuchBucket".equals(RoleSession.code(e))) {
                return new Walked(true, Optional.empty());
            }
            return new Walked(false, Optional.of(unlisted(plan, failure(e, api), verb)));
        } catch (SdkClientException e) {
            PlatformFault.throwIfPlatforms(e, api);
            return new Walked(false, Optional.of(unlisted(plan, failure(e, api), verb)));
        }
    }

    private static LeftBehind unlisted(Plan.Acting plan, String failure, String verb) {
        return new LeftBehind("s3://" + plan.bucket() + "/" + plan.prefix() + "*", "could not " + verb
                + " the platform's objects (" + failure + "); " + yourself(plan.bucket(), plan.prefix()));
    }

    private static String yourself(String bucket, String prefix) {
        return "delete the " + prefix + " prefix yourself (aws s3 rm s3://" + bucket + "/" + prefix
                + " --recursive) or destroy the bucket";
    }

    /** The refusal when the role is in the platform's own account, or when that account cannot be learnt (fail closed). */
    private Optional<String> platformAccount(StsClient sts, String roleArn) {
        try {
            return platformIdentity.refusal(sts, roleArn).map(refusal -> "role " + roleArn + " is in the platform's own AWS "
                    + "account " + SpecRules.accountOf(roleArn) + " (the platform never acts in its own account)");
        } catch (SdkException e) {
            PlatformFault.throwIfPlatforms(e, "sts:GetCallerIdentity");
            return Optional.of("could not make sure " + roleArn + " is outside the platform's own AWS account ("
                    + failure(e, "sts:GetCallerIdentity") + ")");
        }
    }

    /** Why the trust policy does not let the platform act (open to any caller, or not confirmed), if it does not. */
    private Optional<String> openTrust(StsClient sts, String roleArn, String session) {
        RoleSession.TrustProbe probe;
        try {
            probe = RoleSession.probeTrust(sts, roleArn, session);
        } catch (SdkException e) {
            PlatformFault.throwIfPlatforms(e, "sts:AssumeRole");
            probe = new RoleSession.TrustProbe(RoleSession.Trust.UNCONFIRMED, failure(e, "sts:AssumeRole"));
        }
        return switch (probe.trust()) {
            case ENFORCED -> Optional.empty();
            case OPEN -> Optional.of(AccessValidator.OPEN_TRUST + " (" + probe.finding() + ")");
            case UNCONFIRMED -> Optional.of("the platform could not confirm that the trust policy requires the external ID ("
                    + probe.finding() + "), and it does not act in an account whose trust policy may be open to any caller");
        };
    }

    /** Nothing was listed or deleted: the cluster's prefix is left behind with the reason, plus what is never touched. */
    private static Report notActing(ClusterSpec spec, String prefixUri, String reason) {
        List<LeftBehind> left = new ArrayList<>();
        left.add(new LeftBehind(prefixUri, reason));
        left.addAll(neverTouched(spec, true));
        return new Report(List.of(), left, "refused");
    }

    static List<LeftBehind> neverTouched(ClusterSpec spec, boolean bucketExists) {
        List<LeftBehind> list = new ArrayList<>();
        list.add(new LeftBehind("arn:" + spec.roleArn().split(":")[1] + ":eks:" + spec.region() + ":" + SpecRules.accountOf(spec.roleArn()) + ":cluster/"
                + spec.eksClusterName(), "created by your Terraform module; the platform never deletes it"));
        if (bucketExists) {
            list.add(new LeftBehind("s3://" + spec.bucketName(), "created by your Terraform module; the platform never deletes it"));
        }
        list.add(new LeftBehind(spec.roleArn(), "created by your Terraform module; the platform never deletes it"));
        return list;
    }

    private String failure(SdkException e, String api) {
        if (e instanceof AwsServiceException a) {
            return api + ": " + RoleSession.describe(a);
        }
        return e instanceof SdkClientException c ? aws.clientFailure(c, api) : api + ": " + e.getMessage();
    }
}
