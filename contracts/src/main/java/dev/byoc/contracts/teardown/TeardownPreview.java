package dev.byoc.contracts.teardown;

import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.TeardownCompleted.LeftBehind;
import java.util.List;
import java.util.UUID;

/**
 * What a teardown of one cluster would remove and leave, computed without changing anything. Not an
 * event: the answer of the provisioner's internal {@code POST /internal/v1/teardown-preview}, which
 * only the registry calls. It lives here because both ends read and write it, so the two can never
 * disagree on its shape. {@code leftBehind} and {@code hint} have the shape of
 * {@code byoc.cluster.teardown-completed.v1}'s.
 *
 * @param outcome     {@code ready} (a teardown would remove {@code objects}), {@code no-access} (the role
 *                    cannot be assumed: nothing would be removed), {@code refused} (the platform would not
 *                    act: a role in its own account, or a trust policy that does not require the external
 *                    ID) or {@code unlisted} (the prefix could not be listed)
 * @param prefix      {@code s3://<bucket>/byoc/<clusterId>/}, the only place a teardown removes anything
 * @param objectCount every object under the prefix (counted over all pages)
 * @param objects     the first {@link #LISTED} of them as {@code s3://} URIs, in listing order
 */
public record TeardownPreview(String outcome, String prefix, long objectCount, List<String> objects,
        List<LeftBehind> leftBehind, String hint) {

    /** At most this many objects are named one by one (as in teardown-completed's {@code removed}). */
    public static final int LISTED = 100;

    /** The registry's question: the cluster as its write model holds it, the owner the role is assumed for. */
    public record Request(UUID clusterId, String owner, ClusterSpec spec) {
    }
}
