package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.contracts.event.ClusterSpec;
import dev.byoc.contracts.event.ClusterUpdated;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.RotationValidated;
import dev.byoc.support.db.Sql;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * A validated rotation becomes the cluster's role: in the projection's transaction (the one that
 * records the rotation-validated), the write model's spec gets the new role with the old one as
 * {@code previousRoleArn}, and {@code updated} (changed {@code [roleArn]}) goes into the outbox, so
 * every service uses the new role from that event on and the provisioner's answer to it proves
 * whether the old one is revoked. All or nothing: a crash in between switches and announces
 * nothing, and the redelivered event does both.
 *
 * <p>Only when the cluster still runs on the role the rotation started from, and is not being
 * deleted: a redelivered event, or one overtaken by another rotation, changes nothing. The version
 * is bumped so an edit made from an earlier read conflicts and is retried on top of the switch.
 */
public final class RoleSwitch {
    private RoleSwitch() {
    }

    /** @param eventId the rotation-validated's ce_id: the updated event's id is derived from it */
    public static Uni<Boolean> apply(Mutiny.Session session, UUID clusterId, String eventId, RotationValidated validated) {
        return Sql.rows(session, "select name, owner, spec::text from clusters where id = cast(cast(:id as text) as uuid) "
                + "and released_at is null and deleting_at is null for update", Map.of("id", Sql.uuid(clusterId)))
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    Object[] row = rows.get(0);
                    ClusterSpec current = Json.read(Sql.text(row[2]), ClusterSpec.class);
                    if (!current.roleArn().equals(validated.fromRoleArn()) || current.roleArn().equals(validated.roleArn())) {
                        return Uni.createFrom().item(false);
                    }
                    ClusterSpec switched = current.rotatedTo(validated.roleArn());
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    String name = Sql.text(row[0]);
                    String owner = Sql.text(row[1]);
                    String type = EventTypes.UPDATED.type();
                    ClusterUpdated updated = new ClusterUpdated(clusterId, name, owner, switched, List.of("roleArn"), now);
                    return Sql.execute(session, """
                            with switched as (
                                update clusters set spec = cast(cast(:spec as text) as jsonb), version = version + 1,
                                       updated_at = cast(cast(:now as text) as timestamptz)
                                 where id = cast(cast(:id as text) as uuid))
                            insert into outbox (event_id, cluster_id, type, payload)
                            values (cast(cast(:eventId as text) as uuid), cast(cast(:id as text) as uuid), :type, :payload)
                            on conflict do nothing""", Map.of("spec", Json.write(switched), "now", Sql.timestamp(now),
                                    "id", Sql.uuid(clusterId), "eventId", EventIds.derived(eventId, type), "type", type,
                                    "payload", Json.write(updated)))
                            .chain(() -> ClusterChanges.notifyChanged(session, clusterId)).replaceWith(true);
                });
    }
}
