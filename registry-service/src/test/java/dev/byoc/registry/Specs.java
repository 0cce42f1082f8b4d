package dev.byoc.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.testsupport.AwsStandIn;

/** Grid-shaped create requests for tests, as the Terraform module prints them. */
public final class Specs {
    private Specs() {
    }

    /** As the Terraform module prints it for user admin: with admin's issued external ID. */
    public static String grid(String name) {
        return grid(name, AwsStandIn.OWNER);
    }

    /** With {@code owner}'s issued external ID, or with none (null): the platform then uses the caller's own. */
    public static String grid(String name, String owner) {
        String request = """
                {"name": "%s",
                 "spec": {"cluster_type": "CLUSTER_TYPE_BYOC",
                          "performance_profile": "CLUSTER_PERFORMANCE_PROFILE_DEFAULT",
                          "desired_state": "CLUSTER_STATE_RUNNING",
                          "cost_factor": 1.0,
                          "driver": {"external": {},
                                     "kubernetes": {"aws": {
                                         "region": "us-east-1",
                                         "role_arn": "arn:aws:iam::111122223333:role/byoc-demo-01",
                                         "external_id": "%s",
                                         "bucket_name": "byoc-demo-01-bucket",
                                         "eks_cluster_name": "demo-01",
                                         "instance_types": [{"name": "m5.xlarge", "overprovisioned_ondemand_count": 0}],
                                         "cpu_ami_override": "", "gpu_ami_override": "", "builder_ami_override": ""}}}}}
                """.formatted(name, owner == null ? "" : AwsStandIn.externalIdOf(owner));
        return owner == null ? request.replace("\"external_id\": \"\",", "") : request;
    }

    /** The request with one field of the AWS driver replaced. */
    public static String withAws(String name, String field, Object value) {
        ObjectNode root = (ObjectNode) Json.mapper().valueToTree(Json.read(grid(name), Object.class));
        ObjectNode aws = (ObjectNode) root.path("spec").path("driver").path("kubernetes").path("aws");
        aws.set(field, Json.mapper().valueToTree(value));
        return root.toString();
    }
}
