package dev.byoc.contracts.spec;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of DESIGN §5, one implementation for the CLI and the server. Each returns the message
 * to show when the value breaks the rule, phrased so the user knows what to change.
 */
public final class SpecRules {
    private static final Pattern CLUSTER_NAME = Pattern.compile("^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$");
    private static final Pattern AVAILABILITY_ZONE = Pattern.compile("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d+[a-z]$");
    private static final Pattern ROLE_ARN = Pattern.compile(
            "^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\\d{12}):role/((?:[\\x21-\\x7E&&[^/]]+/)*)([\\w+=,.@-]{1,64})$");
    private static final Pattern EXTERNAL_ID = Pattern.compile("^[\\w+=,.@:/-]{2,1224}$");
    private static final Pattern EKS_NAME = Pattern.compile("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$");
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final Pattern INSTANCE_TYPE = Pattern.compile("^([a-z][a-z0-9-]*)\\.(nano|micro|small|medium|large|xlarge|\\d+xlarge|metal(-\\d+xl)?)$");
    private static final Pattern GRAVITON_FAMILY = Pattern.compile("^[a-z]+\\d+g[a-z]*$|^a1$");

    /** Commercial, China and GovCloud regions (the codes AWS publishes). */
    public static final Set<String> REGIONS = Set.of(
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2",
            "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
            "ap-southeast-5", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
            "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-west-1", "eu-west-2", "eu-west-3",
            "eu-south-1", "eu-south-2", "eu-north-1", "il-central-1", "me-south-1", "me-central-1",
            "mx-central-1", "sa-east-1", "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1");

    /** x86_64 families the platform schedules onto (Grid did not support Graviton either). */
    public static final Set<String> INSTANCE_FAMILIES = Set.of(
            "t2", "t3", "t3a", "m4", "m5", "m5a", "m5ad", "m5d", "m5dn", "m5n", "m5zn", "m6a", "m6i", "m6id",
            "m6idn", "m6in", "m7a", "m7i", "m7i-flex", "c4", "c5", "c5a", "c5ad", "c5d", "c5n", "c6a", "c6i",
            "c6id", "c6in", "c7a", "c7i", "r4", "r5", "r5a", "r5ad", "r5b", "r5d", "r5dn", "r5n", "r6a", "r6i",
            "r6id", "r7a", "r7i", "x1", "x1e", "x2idn", "x2iedn", "z1d", "i3", "i3en", "i4i", "d2", "d3", "d3en",
            "h1", "g3", "g4dn", "g4ad", "g5", "g6", "g6e", "gr6", "p2", "p3", "p3dn", "p4d", "p4de", "p5", "p5e",
            "inf1", "inf2", "trn1", "dl1");

    private SpecRules() {
    }

    public static Optional<String> clusterName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("give a cluster name");
        }
        if (name.length() > 63) {
            return Optional.of("cluster name is " + name.length() + " characters; use at most 63");
        }
        if (!CLUSTER_NAME.matcher(name).matches() || name.contains("..")) {
            return Optional.of("cluster name '" + name + "' must be lower-case letters, digits, '-' or '.', "
                    + "start and end with a letter or digit, and not contain '..' (e.g. foo-01)");
        }
        return Optional.empty();
    }

    public static Optional<String> region(String region) {
        if (region == null || region.isEmpty()) {
            return Optional.of("give the AWS region (e.g. us-east-1)");
        }
        if (REGIONS.contains(region)) {
            return Optional.empty();
        }
        if (AVAILABILITY_ZONE.matcher(region).matches() && REGIONS.contains(region.substring(0, region.length() - 1))) {
            return Optional.of("'" + region + "' is an availability zone: give the region, not an availability zone ("
                    + region.substring(0, region.length() - 1) + ")");
        }
        return Optional.of("'" + region + "' is not an AWS region code (e.g. us-east-1, eu-west-1)");
    }

    public static Optional<String> roleArn(String arn) {
        if (arn == null || arn.isEmpty()) {
            return Optional.of("give the IAM role ARN the Terraform module created (arn:aws:iam::<account>:role/<name>)");
        }
        if (!ROLE_ARN.matcher(arn).matches()) {
            return Optional.of("'" + arn + "' is not an IAM role ARN: expected arn:<partition>:iam::<12-digit account>:role/<path><name>, "
                    + "role name 1-64 characters of letters, digits and +=,.@_-");
        }
        return Optional.empty();
    }

    /** The account id in a valid role ARN. */
    public static String accountOf(String roleArn) {
        var matcher = ROLE_ARN.matcher(roleArn);
        return matcher.matches() ? matcher.group(2) : null;
    }

    /** Never echoes the value: it is a secret. */
    public static Optional<String> externalId(String externalId) {
        if (externalId == null || externalId.isEmpty()) {
            return Optional.of("give the external ID the role's trust policy requires (sts:ExternalId)");
        }
        if (externalId.length() < 2 || externalId.length() > 1224) {
            return Optional.of("external ID must be 2-1224 characters long (it is " + externalId.length() + ")");
        }
        if (!EXTERNAL_ID.matcher(externalId).matches()) {
            return Optional.of("external ID may contain only letters, digits and +=,.@:/_-");
        }
        return Optional.empty();
    }

    public static Optional<String> eksClusterName(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("give the EKS cluster name");
        }
        if (!EKS_NAME.matcher(name).matches()) {
            return Optional.of("EKS cluster name '" + name + "' must be 1-100 letters, digits, '-' or '_', starting with a "
                    + "letter or digit; a cluster name with '.' needs an explicit eks_cluster_name");
        }
        return Optional.empty();
    }

    public static Optional<String> bucketName(String bucket) {
        if (bucket == null || bucket.isEmpty()) {
            return Optional.of("give the S3 bucket name the Terraform module created");
        }
        if (bucket.length() < 3 || bucket.length() > 63) {
            return Optional.of("bucket name must be 3-63 characters (it is " + bucket.length() + ")");
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            return Optional.of("bucket name '" + bucket + "' must be lower-case letters, digits, '.' or '-', start and end "
                    + "with a letter or digit, and not contain '..'");
        }
        if (IPV4.matcher(bucket).matches()) {
            return Optional.of("bucket name '" + bucket + "' must not look like an IP address");
        }
        for (String prefix : new String[] {"xn--", "sthree-", "amzn-s3-demo-"}) {
            if (bucket.startsWith(prefix)) {
                return Optional.of("bucket name must not start with the reserved prefix '" + prefix + "'");
            }
        }
        for (String suffix : new String[] {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
            if (bucket.endsWith(suffix)) {
                return Optional.of("bucket name must not end with the reserved suffix '" + suffix + "'");
            }
        }
        return Optional.empty();
    }

    public static Optional<String> instanceType(String type) {
        if (type == null || type.isEmpty()) {
            return Optional.of("give an instance type (e.g. m5.xlarge)");
        }
        var matcher = INSTANCE_TYPE.matcher(type);
        if (!matcher.matches()) {
            return Optional.of("'" + type + "' is not an EC2 instance type (family.size, e.g. m5.xlarge)");
        }
        String family = matcher.group(1);
        if (INSTANCE_FAMILIES.contains(family)) {
            return Optional.empty();
        }
        if (GRAVITON_FAMILY.matcher(family).matches()) {
            return Optional.of("'" + type + "' is a Graviton (arm64) type; only x86_64 instance types are supported "
                    + "(e.g. use m6i instead of m6g)");
        }
        return Optional.of("'" + type + "' is not a supported instance family (supported: m5, m6i, c5, r5, g4dn, g5, p3, … "
                + "see the contracts README)");
    }

    /** GPU families need the G/VT or P quotas. */
    public static boolean isGpuFamily(String instanceType) {
        String family = instanceType.contains(".") ? instanceType.substring(0, instanceType.indexOf('.')) : instanceType;
        return family.startsWith("g") || family.startsWith("p") || family.startsWith("dl");
    }
}
