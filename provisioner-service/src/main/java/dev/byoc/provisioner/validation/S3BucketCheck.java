package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.AccessValidator.PREFIX;
import static dev.byoc.provisioner.validation.AccessValidator.prefix;
import static dev.byoc.provisioner.validation.CheckIds.S3_BUCKET;

import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator.ValidationInterrupted;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadBucketResponse;

/**
 * {@code s3-bucket}: the bucket is in the cluster's region, owned by the role's account, and the
 * platform can write and delete under the cluster's own prefix (a probe object, removed at once).
 */
@ApplicationScoped
public class S3BucketCheck implements AccessCheck {
    private final AwsClients aws;

    S3BucketCheck(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public String id() {
        return S3_BUCKET;
    }

    @Override
    public Line run(Target target, Access access) {
        return new Line(check(target.clusterId(), target.spec(), target.account(), access.assumed()));
    }

    private Check check(UUID clusterId, ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        String bucket = spec.bucketName();
        String wrongRegion = "use a bucket in " + spec.region() + " (the Terraform module creates one beside the cluster)";
        String api = "s3:HeadBucket";
        S3Client s3 = aws.s3(spec.region());
        var as = AwsClients.as(assumed);
        try {
            HeadBucketResponse head;
            try {
                head = s3.headBucket(r -> r.bucket(bucket).expectedBucketOwner(account).overrideConfiguration(as));
            } catch (AwsServiceException e) {
                Optional<String> region = Optional.ofNullable(e.awsErrorDetails()).map(d -> d.sdkHttpResponse())
                        .flatMap(r -> r.firstMatchingHeader("x-amz-bucket-region"));
                if (e.statusCode() == 301 || region.isPresent() && !region.get().equals(spec.region())) {
                    return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + region.orElse("another region") + ", the cluster in "
                            + spec.region() + " (s3:HeadBucket answered " + e.statusCode() + ")", wrongRegion);
                }
                if (e.statusCode() == 404) {
                    return Check.fail(S3_BUCKET, "no bucket named " + bucket + " (s3:HeadBucket answered 404)",
                            "check bucket_name matches the Terraform output");
                }
                if (e.statusCode() == 403) {
                    return Check.fail(S3_BUCKET, "bucket " + bucket + " refused s3:HeadBucket with ExpectedBucketOwner " + account
                            + " (HTTP 403): it belongs to another account, or the role may not list it",
                            "use a bucket owned by account " + account + " (the role's account) and allow s3:ListBucket on "
                                    + "arn:aws:s3:::" + bucket + " in the role's policy");
                }
                throw e;
            }
            if (head.bucketRegion() != null && !head.bucketRegion().equals(spec.region())) {
                return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + head.bucketRegion() + ", the cluster in "
                        + spec.region(), wrongRegion);
            }
            api = "s3:GetBucketLocation";
            String location = s3.getBucketLocation(r -> r.bucket(bucket).expectedBucketOwner(account).overrideConfiguration(as)).locationConstraintAsString();
            String region = location == null || location.isEmpty() || "null".equals(location) ? "us-east-1"
                    : "EU".equals(location) ? "eu-west-1" : location;
            if (!region.equals(spec.region())) {
                return Check.fail(S3_BUCKET, "bucket " + bucket + " is in " + region + ", the cluster in " + spec.region(),
                        wrongRegion);
            }
            String probe = prefix(clusterId) + ".probe";
            api = "s3:PutObject on s3://" + bucket + "/" + probe;
            s3.putObject(r -> r.bucket(bucket).key(probe).expectedBucketOwner(account).overrideConfiguration(as), RequestBody.fromString("byoc probe"));
            api = "s3:DeleteObject on s3://" + bucket + "/" + probe;
            s3.deleteObject(r -> r.bucket(bucket).key(probe).expectedBucketOwner(account).overrideConfiguration(as));
            return Check.pass(S3_BUCKET, "bucket " + bucket + " is in " + region + ", owned by " + account
                    + ", and the platform can write and delete under " + prefix(clusterId));
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, api);
            return Check.fail(S3_BUCKET, api + " failed: " + RoleSession.describe(e),
                    "allow s3:ListBucket, s3:GetBucketLocation on arn:aws:s3:::" + bucket + " and s3:PutObject, s3:DeleteObject "
                            + "on arn:aws:s3:::" + bucket + "/" + PREFIX + "* in the role's policy");
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, api);
            return Check.fail(S3_BUCKET, aws.clientFailure(e, api) + " (bucket " + bucket + ")",
                    "run `byoc clusters verify {cluster}` again; contact the platform operators if this persists");
        }
    }
}
