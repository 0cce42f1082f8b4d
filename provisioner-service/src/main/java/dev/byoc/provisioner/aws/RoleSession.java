package dev.byoc.provisioner.aws;

import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

/** Assumes the customer's role with the external ID; retries AccessDenied while IAM settles. */
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
     * seconds ago may not be assumable yet (IAM is eventually consistent).
     */
    public static Credentials assumeWithRetry(StsClient sts, String roleArn, String externalId, String sessionName,
            Duration window) throws InterruptedException {
        Instant deadline = Instant.now().plus(window);
        long backoff = 500;
        while (true) {
            try {
                return assume(sts, roleArn, externalId, sessionName);
            } catch (StsException e) {
                boolean denied = e.awsErrorDetails() != null && "AccessDenied".equals(e.awsErrorDetails().errorCode());
                if (!denied || Instant.now().plusMillis(backoff).isAfter(deadline)) {
                    throw e;
                }
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
    }

    public static String message(software.amazon.awssdk.awscore.exception.AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return message != null ? message : e.getMessage();
    }

    public static String code(software.amazon.awssdk.awscore.exception.AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        return code != null ? code : "HTTP " + e.statusCode();
    }
}
