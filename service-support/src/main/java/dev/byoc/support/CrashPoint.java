package dev.byoc.support;

import java.util.Arrays;
import java.util.Optional;

/**
 * The windows between two effects where a crash is the dangerous kind (issue #14 item 2): a fact
 * stored and not yet announced, or announced and not yet marked. Each is a point a service
 * reaches; {@link CrashPoints} halts the process there when {@code byoc.crash-at} names it.
 */
public enum CrashPoint {
    /** registry: the registration's transaction (cluster + outbox row) committed, the 201 not yet sent */
    REGISTRATION_COMMITTED("registration-committed"),
    /** registry: the outbox relay's records acknowledged by the broker, the rows not yet marked sent */
    OUTBOX_PUBLISHED("outbox-published"),
    /** provisioner: validated / validation-failed acknowledged by the broker, the input not yet acknowledged */
    VALIDATION_PUBLISHED("validation-published"),
    /** monitor: the fold (status + its announcements) committed, nothing of it published */
    STATUS_COMMITTED("status-committed"),
    /** monitor: a cluster's announcements acknowledged by the broker, their rows not yet deleted */
    ANNOUNCEMENT_PUBLISHED("announcement-published");

    private final String id;

    CrashPoint(String id) {
        this.id = id;
    }

    /** The value of {@code byoc.crash-at} that halts here. */
    public String id() {
        return id;
    }

    public static Optional<CrashPoint> of(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }
}
