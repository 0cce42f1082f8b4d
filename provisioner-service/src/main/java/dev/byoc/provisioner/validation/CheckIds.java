package dev.byoc.provisioner.validation;

import java.util.List;

/** The checks of DESIGN §6, in report order (contracts' common/check-v2.json lists the same ids). */
public final class CheckIds {
    public static final String ASSUME_ROLE = "assume-role";
    public static final String EXTERNAL_ID_ENFORCED = "external-id-enforced";
    public static final String ACCOUNT_MATCHES = "account-matches";
    public static final String EKS_CLUSTER = "eks-cluster";
    public static final String KUBERNETES_API = "kubernetes-api";
    public static final String S3_BUCKET = "s3-bucket";
    public static final String QUOTAS = "quotas";
    /** Only after a role rotation, at the end of the report: not in {@link #ORDER}, whose checks every report has. */
    public static final String OLD_CREDENTIAL_REVOKED = "old-credential-revoked";

    public static final List<String> ORDER = List.of(ASSUME_ROLE, EXTERNAL_ID_ENFORCED, ACCOUNT_MATCHES, EKS_CLUSTER,
            KUBERNETES_API, S3_BUCKET, QUOTAS);

    private CheckIds() {
    }
}
