package dev.byoc.provisioner.aws;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Assumes the customer's role with the owner's issued external ID (retrying AccessDenied while IAM
 * settles), and probes whether the role's trust policy really requires it.
 */
public final class RoleSession {
    private RoleSession() {
    }

    public static StaticCredentialsProvider credentials(Credentials c) {
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    public static Credentials assume(StsClient sts, String roleArn, String externalId, String sessionName) {
        AssumeRoleRequest.Builder request = AssumeRoleRequest.builder().roleArn(roleArn).roleSessionName(sessionName)
                .durationSeconds(900);
        if (externalId != null) {
            request.externalId(externalId);
        }
        return sts.assumeRole(request.build()).credentials();
    }

    /**
     * Keeps trying while the answer is AccessDenied and the window lasts, because a role created
     * seconds ago may not be assumable yet (IAM is eventually consistent). Backoff 0.5 s doubling
     * to 10 s. {@code attempts} counts the calls made, for the report.
     */
    public static Credentials assumeWithRetry(StsClient sts, String roleArn, String externalId, String sessionName,
            Duration window, AtomicInteger attempts) throws InterruptedException {
        Instant deadline = Instant.now().plus(window);
        long backoff = 500;
        while (true) {
            attempts.incrementAndGet();
            try {
                return assume(sts, roleArn, externalId, sessionName);
            } catch (StsException e) {
                if (!"AccessDenied".equals(code(e)) || Instant.now().plusMillis(backoff).isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    /** What the trust-policy probe found. */
    public enum Trust {
        /** AssumeRole without an external ID and with a wrong one were both refused with AccessDenied. */
        ENFORCED,
        /** One of them succeeded: anyone who learns the role ARN could make the platform act there. */
        OPEN,
        /** One of them answered something else than AccessDenied: not confirmed either way. */
        UNCONFIRMED
    }

    /** @param finding what was tried and what it answered ("the role can be assumed without an external ID") */
    public record TrustProbe(Trust trust, String finding) {
    }

    /**
     * The confused-deputy probe, shared by validation ({@code external-id-enforced}) and teardown,
     * which runs it again at the moment of acting: AssumeRole without an external ID, then with a
     * random wrong one, must both answer AccessDenied. Credentials obtained by a probe that
     * succeeds are dropped unused.
     *
     * @throws software.amazon.awssdk.core.exception.SdkClientException when STS could not be called at all
     */
    public static TrustProbe probeTrust(StsClient platform, String roleArn, String sessionName) {
        for (String probe : new String[] {null, "byoc-wrong-" + UUID.randomUUID()}) {
            String tried = probe == null ? "without an external ID" : "with a wrong external ID";
            try {
                assume(platform, roleArn, probe, sessionName);
                return new TrustProbe(Trust.OPEN, "the role can be assumed " + tried);
            } catch (AwsServiceException e) {
                PlatformFault.throwIfPlatforms(e, "sts:AssumeRole (trust probe)");
                if (!"AccessDenied".equals(code(e))) {
                    return new TrustProbe(Trust.UNCONFIRMED, "AssumeRole " + tried + " answered " + describe(e)
                            + " instead of AccessDenied");
                }
            }
        }
        return new TrustProbe(Trust.ENFORCED, "AssumeRole is refused without the external ID and with a wrong one");
    }

    /** The service's own words (without the SDK's "(Service: …, Status Code: …)" suffix). */
    public static String message(AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return message != null && !message.isBlank() ? message : "HTTP " + e.statusCode();
    }

    /** The AWS error code, or "HTTP &lt;status&gt;" for answers without one (HEAD requests). */
    public static String code(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code != null && !code.isBlank() ? code : "HTTP " + e.statusCode();
    }

    /** "AccessDenied: User … is not authorized …", or just the code when there is no message. */
    public static String describe(AwsServiceException e) {
        String code = code(e);
        String message = message(e);
        return message.equals(code) || message.startsWith("HTTP ") ? code : code + ": " + message;
    }

    /**
     * The IAM principal to name in a trust policy for the caller {@code arn}: an assumed-role
     * session ({@code arn:aws:sts::1:assumed-role/name/session}) is trusted through its role
     * ({@code arn:aws:iam::1:role/name}); users and roles are named as they are.
     */
    public static String trustablePrincipal(String arn) {
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":", 6);
        if (parts.length == 6 && "sts".equals(parts[2]) && parts[5].startsWith("assumed-role/")) {
            String[] path = parts[5].split("/");
            if (path.length >= 2) {
                return "arn:" + parts[1] + ":iam::" + parts[4] + ":role/" + path[1];
            }
        }
        return arn;
    }
}
