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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Removes what the platform created (objects under byoc/ in the bucket) and lists what is left.
 * Never gets stuck: a role that can no longer be assumed ends the teardown with everything
 * listed as left behind.
 */
@ApplicationScoped
public class Teardown {
    public static final String HINT = "the platform never touches the EKS cluster, the S3 bucket or the IAM role: "
            + "run `terraform destroy` in the module that created them to remove them";

    public record Report(List<String> removed, List<LeftBehind> leftBehind) {
    }

    private final AwsClients aws;

    Teardown(AwsClients aws) {
        this.aws = aws;
    }

    public Report run(UUID clusterId, ClusterSpec spec) {
        List<String> removed = new ArrayList<>();
        List<LeftBehind> left = new ArrayList<>(neverTouched(spec));
        String account = SpecRules.accountOf(spec.roleArn());
        Credentials credentials;
        try (StsClient sts = aws.platformSts(spec.region())) {
            credentials = RoleSession.assume(sts, spec.roleArn(), spec.externalId(), "byoc-" + clusterId);
        } catch (SdkException e) {
            left.add(new LeftBehind("s3://" + spec.bucketName() + "/" + AccessValidator.PREFIX + "*",
                    "the role can no longer be assumed (" + message(e) + "); delete the byoc/ prefix yourself"));
            return new Report(removed, left);
        }
        try (S3Client s3 = aws.s3(spec.region(), RoleSession.credentials(credentials))) {
            for (var page : s3.listObjectsV2Paginator(r -> r.bucket(spec.bucketName()).prefix(AccessValidator.PREFIX)
                    .expectedBucketOwner(account))) {
                List<S3Object> objects = page.contents();
                if (objects.isEmpty()) {
                    continue;
                }
                var result = s3.deleteObjects(r -> r.bucket(spec.bucketName()).expectedBucketOwner(account)
                        .delete(d -> d.quiet(false).objects(objects.stream()
                                .map(o -> ObjectIdentifier.builder().key(o.key()).build()).toList())));
                result.deleted().forEach(d -> removed.add("s3://" + spec.bucketName() + "/" + d.key()));
                result.errors().forEach(err -> left.add(new LeftBehind("s3://" + spec.bucketName() + "/" + err.key(),
                        err.code() + ": " + err.message())));
            }
        } catch (SdkException e) {
            left.add(new LeftBehind("s3://" + spec.bucketName() + "/" + AccessValidator.PREFIX + "*",
                    "could not list or delete objects (" + message(e) + ")"));
        }
        return new Report(removed, left);
    }

    static List<LeftBehind> neverTouched(ClusterSpec spec) {
        return List.of(
                new LeftBehind("eks:" + spec.region() + ":" + spec.eksClusterName(), "created by your Terraform module"),
                new LeftBehind("s3://" + spec.bucketName(), "created by your Terraform module"),
                new LeftBehind(spec.roleArn(), "created by your Terraform module"));
    }

    private static String message(SdkException e) {
        return e instanceof AwsServiceException a && a.awsErrorDetails() != null ? a.awsErrorDetails().errorCode() : e.getMessage();
    }
}
