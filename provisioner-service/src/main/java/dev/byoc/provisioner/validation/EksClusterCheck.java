package dev.byoc.provisioner.validation;

import static dev.byoc.provisioner.validation.CheckIds.EKS_CLUSTER;

import dev.byoc.provisioner.aws.PlatformFault;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.provisioner.aws.AwsClients;
import dev.byoc.provisioner.aws.RoleSession;
import dev.byoc.provisioner.validation.AccessValidator.ValidationInterrupted;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/** {@code eks-cluster}: the EKS cluster exists in the region and is usable (eks:DescribeCluster with the assumed role). */
@ApplicationScoped
public class EksClusterCheck implements AccessCheck {
    /** @param cluster what DescribeCluster answered when the check passed (kubernetes-api needs its endpoint and CA), else null */
    public record Described(Check check, Cluster cluster) implements Finding {
    }

    private final AwsClients aws;

    EksClusterCheck(AwsClients aws) {
        this.aws = aws;
    }

    @Override
    public String id() {
        return EKS_CLUSTER;
    }

    @Override
    public Described run(Target target, Access access) {
        return check(target.spec(), target.account(), access.assumed());
    }

    private Described check(ClusterSpec spec, String account, AwsCredentialsProvider assumed) {
        String name = spec.eksClusterName();
        String where = "EKS cluster " + name + " in " + spec.region();
        try {
            Cluster cluster = aws.eks(spec.region()).describeCluster(r -> r.name(name).overrideConfiguration(AwsClients.as(assumed)))
                    .cluster();
            String status = Optional.ofNullable(cluster.statusAsString()).orElse("in an unknown state");
            return switch (status) {
                case "ACTIVE" -> new Described(Check.pass(EKS_CLUSTER, where + " is ACTIVE"), cluster);
                case "CREATING", "UPDATING" -> new Described(Check.pass(EKS_CLUSTER, where + " is " + status
                        + "; the cluster becomes running once EKS reports it ACTIVE"), cluster);
                default -> new Described(Check.fail(EKS_CLUSTER, where + " is " + status,
                        "FAILED".equals(status) ? "look at the cluster's health issues in the EKS console, fix or recreate it "
                                + "(terraform apply), then run `byoc clusters verify {cluster}`"
                                : "wait for EKS to finish, or recreate the cluster (terraform apply), then run `byoc clusters verify {cluster}`"),
                        null);
            };
        } catch (ResourceNotFoundException e) {
            return failed("no " + where + " (eks:DescribeCluster answered ResourceNotFoundException)",
                    "check eks_cluster_name (it defaults to the cluster's name) and region match the Terraform output");
        } catch (AwsServiceException e) {
            PlatformFault.throwIfPlatforms(e, "eks:DescribeCluster");
            return failed("eks:DescribeCluster on " + where + " failed: " + RoleSession.describe(e),
                    "allow eks:DescribeCluster on arn:aws:eks:" + spec.region() + ":" + account + ":cluster/" + name
                            + " in the role's policy");
        } catch (SdkClientException e) {
            ValidationInterrupted.throwIfAborted(e);
            PlatformFault.throwIfPlatforms(e, "eks:DescribeCluster");
            return failed(aws.clientFailure(e, "eks:DescribeCluster") + " on " + where,
                    "run `byoc clusters verify {cluster}` again; contact the platform operators if this persists");
        }
    }

    private static Described failed(String message, String remediation) {
        return new Described(Check.fail(EKS_CLUSTER, message, remediation), null);
    }
}
