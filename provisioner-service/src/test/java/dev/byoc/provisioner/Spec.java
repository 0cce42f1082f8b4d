package dev.byoc.provisioner;

import dev.byoc.testsupport.AwsStandIn;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The cluster spec of an event, written as JSON by hand (as an outside producer would), defaulting
 * to the AWS sandbox's account: role, external ID, bucket and EKS cluster that the stand-in knows.
 */
record Spec(String region, String roleArn, String externalId, String bucketName, String eksClusterName,
        List<String> instanceTypes, boolean strict) {

    static Spec sandbox() {
        return new Spec(AwsStandIn.REGION, AwsStandIn.ROLE_ARN, AwsStandIn.EXTERNAL_ID, AwsStandIn.BUCKET,
                AwsStandIn.EKS_CLUSTER, List.of("m5.xlarge"), false);
    }

    Spec externalId(String value) {
        return new Spec(region, roleArn, value, bucketName, eksClusterName, instanceTypes, strict);
    }

    Spec eksClusterName(String value) {
        return new Spec(region, roleArn, externalId, bucketName, value, instanceTypes, strict);
    }

    Spec instanceTypes(String... value) {
        return new Spec(region, roleArn, externalId, bucketName, eksClusterName, List.of(value), strict);
    }

    Spec strict(boolean value) {
        return new Spec(region, roleArn, externalId, bucketName, eksClusterName, instanceTypes, value);
    }

    String json() {
        String types = instanceTypes.stream()
                .map(t -> "{\"name\": \"" + t + "\", \"overprovisionedOnDemandCount\": 0}")
                .collect(Collectors.joining(", "));
        return """
                {"region": "%s", "roleArn": "%s", "externalId": "%s", "bucketName": "%s", "eksClusterName": "%s",
                 "instanceTypes": [%s], "performanceProfile": "default", "strict": %s}"""
                .formatted(region, roleArn, externalId, bucketName, eksClusterName, types, strict);
    }

    String requested(UUID clusterId) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "alice", "spec": %s, "requestedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), json(), Instant.now());
    }

    String updated(UUID clusterId) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "alice", "spec": %s, "changed": ["instanceTypes"],
                 "updatedAt": "%s"}""".formatted(clusterId, clusterId.toString().substring(0, 8), json(), Instant.now());
    }

    String deleted(UUID clusterId, boolean force) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "alice", "spec": %s, "force": %s, "deletedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), json(), force, Instant.now());
    }
}
