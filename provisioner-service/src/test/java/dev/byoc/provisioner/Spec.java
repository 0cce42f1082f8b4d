package dev.byoc.provisioner;

import dev.byoc.testsupport.AwsStandIn;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The cluster spec of an event and the event's owner, written as JSON by hand (as an outside
 * producer would), defaulting to the AWS sandbox's user A: owner "admin", whose issued external ID
 * the demo role trusts, and the role, bucket and EKS cluster that the stand-in knows. The spec
 * carries no external ID (v2): the provisioner derives it from the owner.
 */
record Spec(String owner, String region, String roleArn, String bucketName, String eksClusterName,
        List<String> instanceTypes, boolean strict) {
    /** A user whose issued external ID no role of the sandbox trusts. */
    static final String STRANGER = "mallory";

    static Spec sandbox() {
        return new Spec(AwsStandIn.OWNER, AwsStandIn.REGION, AwsStandIn.ROLE_ARN, AwsStandIn.BUCKET,
                AwsStandIn.EKS_CLUSTER, List.of("m5.xlarge"), false);
    }

    /** The same spec registered by another user: the role is then assumed with that user's issued ID. */
    Spec owner(String value) {
        return new Spec(value, region, roleArn, bucketName, eksClusterName, instanceTypes, strict);
    }

    Spec roleArn(String value) {
        return new Spec(owner, region, value, bucketName, eksClusterName, instanceTypes, strict);
    }

    Spec bucket(String value) {
        return new Spec(owner, region, roleArn, value, eksClusterName, instanceTypes, strict);
    }

    Spec eksClusterName(String value) {
        return new Spec(owner, region, roleArn, bucketName, value, instanceTypes, strict);
    }

    Spec instanceTypes(String... value) {
        return new Spec(owner, region, roleArn, bucketName, eksClusterName, List.of(value), strict);
    }

    Spec strict(boolean value) {
        return new Spec(owner, region, roleArn, bucketName, eksClusterName, instanceTypes, value);
    }

    /** The issued external ID the provisioner must use for this spec's owner. */
    String issuedExternalId() {
        return AwsStandIn.externalIdOf(owner);
    }

    String json() {
        return json(null);
    }

    /** @param legacyExternalId the {@code externalId} a legacy v1 spec carried, or null for a v2 spec */
    String json(String legacyExternalId) {
        String types = instanceTypes.stream()
                .map(t -> "{\"name\": \"" + t + "\", \"overprovisionedOnDemandCount\": 0}")
                .collect(Collectors.joining(", "));
        return """
                {"region": "%s", "roleArn": "%s",%s "bucketName": "%s", "eksClusterName": "%s",
                 "instanceTypes": [%s], "performanceProfile": "default", "strict": %s}"""
                .formatted(region, roleArn, legacyExternalId == null ? "" : " \"externalId\": \"" + legacyExternalId + "\",",
                        bucketName, eksClusterName, types, strict);
    }

    String requested(UUID clusterId) {
        return requested(clusterId, null);
    }

    String requested(UUID clusterId, String legacyExternalId) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "requestedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), owner, json(legacyExternalId), Instant.now());
    }

    String updated(UUID clusterId) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "changed": ["instanceTypes"],
                 "updatedAt": "%s"}""".formatted(clusterId, clusterId.toString().substring(0, 8), owner, json(), Instant.now());
    }

    /** byoc.cluster.verify-requested.v1: the checks again, the spec unchanged. */
    String verifyRequested(UUID clusterId, String trigger) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "trigger": "%s", "requestedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), owner, json(), trigger, Instant.now());
    }

    String deleted(UUID clusterId, boolean force) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "force": %s, "deletedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), owner, json(), force, Instant.now());
    }
}
