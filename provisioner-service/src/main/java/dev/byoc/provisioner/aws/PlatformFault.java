package dev.byoc.provisioner.aws;

import dev.byoc.support.aws.AwsFaults;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * An AWS call failed for the platform's own reasons ({@link AwsFaults}): throttled, the platform's
 * credentials refused, STS or a region unreachable. Never a finding about the customer's account:
 * validation stops without a report and the consumer runs it again later, so a platform outage
 * never fails a customer's cluster.
 */
public final class PlatformFault extends RuntimeException {
    private final String call;
    private final String code;

    private PlatformFault(String call, SdkException cause) {
        super(call + ": " + AwsFaults.code(cause) + ": " + cause.getMessage(), cause);
        this.call = call;
        this.code = AwsFaults.code(cause);
    }

    /** Throws when {@code failure} is the platform's, so the caller's catch only ever reports the customer's. */
    public static void throwIfPlatforms(SdkException failure, String call) {
        if (AwsFaults.isPlatformFault(failure)) {
            throw new PlatformFault(call, failure);
        }
    }

    public String call() {
        return call;
    }

    public String code() {
        return code;
    }
}
