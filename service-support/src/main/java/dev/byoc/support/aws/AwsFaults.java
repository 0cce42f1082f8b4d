package dev.byoc.support.aws;

import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Whose trouble an AWS failure is, in one place for the provisioner and the monitor (issue #14):
 * the platform's — STS or EKS throttling us after the SDK's own retries, the platform's own
 * credentials missing, expired or refused, a regional outage (5xx, no answer at all), a request
 * we built wrong (a session name over 64 characters) — or the customer's (AccessDenied, a region
 * they have not enabled, a cluster that is not there). The platform's is retried and raised to
 * operators ({@code byoc_platform_faults_total}); it never fails a customer's cluster.
 */
public final class AwsFaults {
    /** Codes that say "the caller is the problem": the caller is the platform. */
    private static final Set<String> PLATFORM_CODES = Set.of("InvalidClientTokenId", "SignatureDoesNotMatch",
            "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException", "IncompleteSignature",
            "MissingAuthenticationToken", "RequestExpired", "ValidationError", "Throttling", "ThrottlingException",
            "RequestLimitExceeded", "TooManyRequestsException", "ServiceUnavailable", "ServiceUnavailableException",
            "InternalFailure", "InternalError", "ServerException", "IDPCommunicationError");
    /** STS caps RoleSessionName at 64 characters of [\w+=,.@-]. */
    public static final int MAX_SESSION_NAME = 64;

    private AwsFaults() {
    }

    public static boolean isPlatformFault(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException e) {
                String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
                return e.isThrottlingException() || e.statusCode() >= 500 || (code != null && PLATFORM_CODES.contains(code));
            }
            if (t instanceof SdkClientException) {
                return true; // no answer from AWS at all: network, timeouts, no platform credentials
            }
        }
        return false;
    }

    /** The code to count a fault under: the AWS error code, or "client" when AWS never answered. */
    public static String code(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException e) {
                return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "HTTP " + e.statusCode()
                        : e.awsErrorDetails().errorCode();
            }
        }
        return "client";
    }

    /**
     * A RoleSessionName STS accepts, whatever the replica is called: characters outside
     * {@code [\w+=,.@-]} become '-', and the middle is cut so the name fits in 64 characters while
     * its end — the cluster id, what CloudTrail readers search for — stays whole.
     */
    public static String sessionName(String prefix, String middle, String suffix) {
        String clean = (prefix + middle).replaceAll("[^\\w+=,.@-]", "-");
        String end = suffix.replaceAll("[^\\w+=,.@-]", "-");
        int room = MAX_SESSION_NAME - end.length();
        if (room <= 0) {
            return end.substring(end.length() - MAX_SESSION_NAME);
        }
        return (clean.length() > room ? clean.substring(0, room) : clean) + end;
    }
}
