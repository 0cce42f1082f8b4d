package dev.byoc.contracts.event;

import java.util.List;

/**
 * The normalised cluster spec carried by requested/updated/deleted events. The external ID is
 * here because the provisioner and the monitor need it to assume the role; it never leaves
 * through anything meant for display (state topic, API, logs): use {@link #externalIdHint()}.
 */
public record ClusterSpec(
        String region,
        String roleArn,
        String externalId,
        String bucketName,
        String eksClusterName,
        List<InstanceType> instanceTypes,
        String performanceProfile,
        boolean strict) {

    public static final String PROFILE_DEFAULT = "default";
    public static final String PROFILE_COST_SAVING = "cost-saving";

    public record InstanceType(String name, int overprovisionedOnDemandCount) {
    }

    /** The last four characters, for display: "…7f3a". */
    public String externalIdHint() {
        return mask(externalId);
    }

    public static String mask(String secret) {
        if (secret == null || secret.isEmpty()) {
            return "";
        }
        return "…" + secret.substring(Math.max(0, secret.length() - 4));
    }

    /** Same spec without the external ID: what may be shown or logged. */
    public ClusterSpec redacted() {
        return new ClusterSpec(region, roleArn, externalIdHint(), bucketName, eksClusterName, instanceTypes,
                performanceProfile, strict);
    }

    public ClusterSpec withEdits(List<InstanceType> newInstanceTypes, String newProfile) {
        return new ClusterSpec(region, roleArn, externalId, bucketName, eksClusterName,
                newInstanceTypes == null ? instanceTypes : newInstanceTypes,
                newProfile == null ? performanceProfile : newProfile, strict);
    }

    @Override
    public String toString() {
        // records print every field; keep the external ID out of logs
        return "ClusterSpec[region=" + region + ", roleArn=" + roleArn + ", externalId=" + externalIdHint()
                + ", bucketName=" + bucketName + ", eksClusterName=" + eksClusterName + ", instanceTypes="
                + instanceTypes + ", performanceProfile=" + performanceProfile + ", strict=" + strict + "]";
    }
}
