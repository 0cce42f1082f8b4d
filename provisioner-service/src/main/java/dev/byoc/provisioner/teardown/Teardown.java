package dev.byoc.provisioner.teardown;

import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.TeardownCompleted.LeftBehind;
import dev.byoc.contracts.spec.SpecRules;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * Removes what the platform created (objects under byoc/ in the bucket, page by page) and lists
 * what is left. Never gets stuck: a role that can no longer be assumed ends the teardown with
 * everything listed as left behind.
 */
@ApplicationScoped
public class Teardown {
    public static final String HINT = "the platform never touches the EKS cluster, the S3 bucket or the IAM role: "
            + "run `terraform destroy` in the module that created them to remove them";

    /** At most this many removed objects are listed one by one; the rest are summed up (the event must stay small). */
    static final int LISTED_REMOVALS = 100;

    /**
     * @param outcome {@code clean} (everything the platform wrote is gone), {@code partial} (some objects
     *                could not be removed) or {@code no-access} (the role could not be assumed)
     */
    public record Report(List<String> removed, List<LeftBehind> leftBehind, String outcome) {
    }

    private final AwsClients aws;

    Teardown(AwsClients aws) {
        this.aws = aws;
    }

    public Report run(UUID clusterId, ClusterSpec spec) {
        String bucket = spec.bucketName();
        String prefixUri = "s3://" + bucket + "/" + AccessValidator.PREFIX + "*";
        List<String> removed = new ArrayList<>();
        List<LeftBehind> left = new ArrayList<>();
        String account = SpecRules.accountOf(spec.roleArn());
        Credentials credentials;
        try (StsClient sts = aws.platformSts(spec.region())) {
            credentials = RoleSession.assume(sts, spec.roleArn(), spec.externalId(), "byoc-" + clusterId);
        } catch (SdkException e) {
            left.add(new LeftBehind(prefixUri, "the role can no longer be assumed (" + failure(e, "sts:AssumeRole")
                    + "), so the platform could not remove its objects; delete the byoc/ prefix yourself "
                    + "(aws s3 rm s3://" + bucket + "/" + AccessValidator.PREFIX + " --recursive) or destroy the bucket"));
            left.addAll(neverTouched(spec, true));
            return new Report(removed, left, "no-access");
        }
        long removedCount = 0;
        boolean bucketGone = false;
        try (S3Client s3 = aws.s3(spec.region(), RoleSession.credentials(credentials))) {
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(AccessValidator.PREFIX)
                    .expectedBucketOwner(account))) {
                List<S3Object> objects = page.contents();
                if (objects.isEmpty()) {
                    continue;
                }
                DeleteObjectsResponse result = s3.deleteObjects(r -> r.bucket(bucket).expectedBucketOwner(account)
                        .delete(d -> d.quiet(false).objects(objects.stream()
                                .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList())));
                for (var deleted : result.deleted()) {
                    removedCount++;
                    if (removed.size() < LISTED_REMOVALS) {
                        removed.add("s3://" + bucket + "/" + deleted.key());
                    }
                }
                result.errors().forEach(err -> left.add(new LeftBehind("s3://" + bucket + "/" + err.key(),
                        "s3:DeleteObjects refused it: " + err.code() + (err.message() == null ? "" : ": " + err.message()))));
            }
        } catch (AwsServiceException e) {
            if (e.statusCode() == 404 && "NoSuchBucket".equals(RoleSession.code(e))) {
                bucketGone = true;
            } else {
                left.add(new LeftBehind(prefixUri, "could not list or delete the platform's objects ("
                        + failure(e, "s3:ListObjectsV2/DeleteObjects") + "); delete the byoc/ prefix yourself"));
            }
        } catch (SdkClientException e) {
            left.add(new LeftBehind(prefixUri, "could not list or delete the platform's objects ("
                    + failure(e, "s3:ListObjectsV2/DeleteObjects") + "); delete the byoc/ prefix yourself"));
        }
        if (removedCount > removed.size()) {
            removed.add("… and " + (removedCount - removed.size()) + " more objects under s3://" + bucket + "/"
                    + AccessValidator.PREFIX);
        }
        boolean clean = left.isEmpty();
        left.addAll(neverTouched(spec, !bucketGone));
        return new Report(removed, left, clean ? "clean" : "partial");
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
