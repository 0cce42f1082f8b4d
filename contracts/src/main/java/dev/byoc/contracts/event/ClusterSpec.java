package dev.byoc.contracts.event;

import java.util.List;

/**
 * The normalised cluster spec carried by requested/updated/deleted events. It holds no external
 * ID: the platform issues one per owner ({@link dev.byoc.contracts.tenant.ExternalIds}) and every
 * service that assumes a role derives it from the event's owner, so nothing secret rides a topic.
 * (A legacy {@code .v1} event still carries {@code externalId}; it is ignored when read.)
 */
public record ClusterSpec(
        String region,
        String roleArn,
        String bucketName,
        String eksClusterName,
        List<InstanceType> instanceTypes,
        String performanceProfile,
        boolean strict) {

    public static final String PROFILE_DEFAULT = "default";
    public static final String PROFILE_COST_SAVING = "cost-saving";

    public record InstanceType(String name, int overprovisionedOnDemandCount) {
    }

    public ClusterSpec withEdits(List<InstanceType> newInstanceTypes, String newProfile) {
        return new ClusterSpec(region, roleArn, bucketName, eksClusterName,
                newInstanceTypes == null ? instanceTypes : newInstanceTypes,
                newProfile == null ? performanceProfile : newProfile, strict);
    }
}
