package dev.byoc.contracts.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The normalised cluster spec carried by requested/updated/deleted events. It holds no external
 * ID: the platform issues one per owner ({@link dev.byoc.contracts.tenant.ExternalIds}) and every
 * service that assumes a role derives it from the event's owner, so nothing secret rides a topic.
 * (A legacy {@code .v1} event still carries {@code externalId}; it is ignored when read.)
 *
 * <p>{@code previousRoleArn} (optional, absent until a rotation): the role the cluster ran on before
 * its last role rotation, so the stateless provisioner can prove the platform lost access to it
 * ({@code old-credential-revoked}). Absent rather than null, so specs written before it serialize
 * exactly as they did.
 */
public record ClusterSpec(
        String region,
        String roleArn,
        String bucketName,
        String eksClusterName,
        List<InstanceType> instanceTypes,
        String performanceProfile,
        boolean strict,
        @JsonInclude(JsonInclude.Include.NON_NULL) String previousRoleArn) {

    public static final String PROFILE_DEFAULT = "default";
    public static final String PROFILE_COST_SAVING = "cost-saving";

    public record InstanceType(String name, int overprovisionedOnDemandCount) {
    }

    /** A spec without a previous role: every spec until its first rotation. */
    public ClusterSpec(String region, String roleArn, String bucketName, String eksClusterName,
            List<InstanceType> instanceTypes, String performanceProfile, boolean strict) {
        this(region, roleArn, bucketName, eksClusterName, instanceTypes, performanceProfile, strict, null);
    }

    public ClusterSpec withEdits(List<InstanceType> newInstanceTypes, String newProfile) {
        return new ClusterSpec(region, roleArn, bucketName, eksClusterName,
                newInstanceTypes == null ? instanceTypes : newInstanceTypes,
                newProfile == null ? performanceProfile : newProfile, strict, previousRoleArn);
    }

    /** After a rotation to {@code newRoleArn}: the current role becomes the previous one. */
    public ClusterSpec rotatedTo(String newRoleArn) {
        return new ClusterSpec(region, newRoleArn, bucketName, eksClusterName, instanceTypes, performanceProfile, strict,
                roleArn);
    }

    /**
     * The spec a rotation's candidate is validated with: the candidate in place of the role and no
     * previous role, because the cluster still runs on the current one (its being assumable then
     * is expected, not a finding).
     */
    public ClusterSpec candidate(String candidateRoleArn) {
        return new ClusterSpec(region, candidateRoleArn, bucketName, eksClusterName, instanceTypes, performanceProfile, strict,
                null);
    }
}
