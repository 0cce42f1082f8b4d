package dev.byoc.support.projection;

import dev.byoc.support.db.Sql;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.reactive.mutiny.Mutiny;

/**
 * The projection engine: applies events to one version of a {@link Projection} inside the
 * caller's reactive transaction, together with what makes that exact —
 * <ul>
 * <li>positions: the highest offset applied per partition ({@code projection_positions}); a
 * record at or below it is skipped, so a consumer that re-reads from its committed offset (after
 * a restart, or a switch to a rebuilt version that is ahead of it) changes nothing;</li>
 * <li>ids: every {@code ce_id} applied ({@code projection_events}); the same event under a new
 * offset is skipped;</li>
 * <li>batches: the rows a batch touches are read once, folded in memory in log order and written
 * once each, so a rebuild costs a few statements per batch rather than several per event.</li>
 * </ul>
 * The live path is a batch of one. The {@code projections} row names the live version; live
 * appliers hold it FOR SHARE and a rebuild's switch-over takes it FOR UPDATE.
 *
 * @param <R> the row
 */
public final class ProjectionStore<R> {

    /** Told about every applied event, in log order, with the row before and after it. */
    @FunctionalInterface
    public interface Changes<R> {
        Uni<Void> applied(R before, R after, ProjectedEvent event);

        static <R> Changes<R> none() {
            return (before, after, event) -> Uni.createFrom().voidItem();
        }
    }

    private record Step<R>(R before, R after, ProjectedEvent event) {
    }

    private final Projection<R> projection;

    public ProjectionStore(Projection<R> projection) {
        this.projection = projection;
    }

    public String name() {
        return projection.name();
    }

    public Projection<R> projection() {
        return projection;
    }

    /** Applies one event to the live version. @return false when it had been applied before */
    public Uni<Boolean> applyLive(Mutiny.Session session, ProjectedEvent event, Changes<R> changes) {
        return applyLive(session, List.of(event), changes).map(applied -> applied.size() == 1);
    }

    /**
     * Applies a consumer's batch (in log order) to the live version in the caller's transaction.
     *
     * @return the events applied for the first time, in log order (the others were duplicates)
     */
    public Uni<List<ProjectedEvent>> applyLive(Mutiny.Session session, List<ProjectedEvent> events, Changes<R> changes) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        // the live version (FOR SHARE) and its positions in one round trip: the live path pays per statement
        return Sql.rows(session, "select p.live_version, pos.kafka_partition, pos.kafka_offset from projections p "
                + "left join projection_positions pos on pos.name = p.name and pos.version = p.live_version "
                + "where p.name = :name for share of p", Map.of("name", name())).chain(rows -> {
                    if (rows.isEmpty()) {
                        throw new IllegalStateException("no projections row for " + name() + " (missing migration?)");
                    }
                    Map<Integer, Long> positions = new HashMap<>();
                    rows.stream().filter(r -> r[1] != null).forEach(r -> positions.put(Sql.integer(r[1]), Sql.bigint(r[2])));
                    return apply(session, Sql.integer(rows.get(0)[0]), positions, events, changes);
                });
    }

    /**
     * Applies events (in log order) to {@code version}: the rows first, then each change in order.
     *
     * @return how many were applied for the first time
     */
    public Uni<Integer> apply(Mutiny.Session session, int version, List<ProjectedEvent> events, Changes<R> changes) {
        if (events.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return positions(session, version).chain(positions -> apply(session, version, positions, events, changes))
                .map(List::size);
    }

    private Uni<List<ProjectedEvent>> apply(Mutiny.Session session, int version, Map<Integer, Long> positions,
            List<ProjectedEvent> events, Changes<R> changes) {
        List<ProjectedEvent> fresh = events.stream()
                .filter(e -> e.offset() > positions.getOrDefault(e.partition(), -1L)).toList();
        return recordIdsAndPositions(session, version, fresh, events).chain(firstSeen -> {
            List<ProjectedEvent> toApply = new ArrayList<>();
            for (ProjectedEvent event : fresh) {
                if (firstSeen.remove(event.id())) { // remove: a second copy in the same batch is a duplicate too
                    toApply.add(event);
                }
            }
            Set<UUID> keys = new HashSet<>();
            toApply.forEach(e -> {
                if (e.key() != null) {
                    keys.add(e.key());
                }
            });
            Uni<Map<UUID, R>> loaded = keys.isEmpty() ? Uni.createFrom().item(Map.of())
                    : projection.load(session, version, keys);
            return loaded.chain(current -> foldAndStore(session, version, toApply, current, changes))
                    .replaceWith(toApply);
        });
    }

    private Uni<Void> foldAndStore(Mutiny.Session session, int version, List<ProjectedEvent> toApply,
            Map<UUID, R> current, Changes<R> changes) {
        Map<UUID, R> rows = new HashMap<>(current);
        Map<UUID, R> changed = new LinkedHashMap<>();
        List<Step<R>> steps = new ArrayList<>();
        for (ProjectedEvent event : toApply) {
            if (event.key() == null) {
                continue;
            }
            R before = rows.get(event.key());
            R after = projection.fold(before, event);
            if (after != before && after != null) {
                rows.put(event.key(), after);
                changed.put(event.key(), after);
            }
            steps.add(new Step<>(before, after, event));
        }
        Uni<Void> chain = changed.isEmpty() ? Uni.createFrom().voidItem() : projection.store(session, version, changed);
        for (Step<R> step : steps) {
            chain = chain.chain(() -> changes.applied(step.before(), step.after(), step.event()));
        }
        return chain;
    }

    /**
     * The highest offset applied per partition to {@code version}: read with SQL, not as entities,
     * because the upsert below changes them behind the session's back within one transaction.
     */
    public Uni<Map<Integer, Long>> positions(Mutiny.Session session, int version) {
        return Sql.rows(session, "select kafka_partition, kafka_offset from projection_positions "
                + "where name = :name and version = :version", Map.of("name", name(), "version", version)).map(rows -> {
                    Map<Integer, Long> positions = new HashMap<>();
                    rows.forEach(r -> positions.put(Sql.integer(r[0]), Sql.bigint(r[1])));
                    return positions;
                });
    }

    /**
     * One statement whatever the batch size: records the {@code fresh} events' ids (one text[]
     * parameter) and moves the positions to the highest offset of every event read (one array per
     * column), in a data-modifying CTE. Returns the ids not recorded before.
     */
    private Uni<Set<String>> recordIdsAndPositions(Mutiny.Session session, int version, List<ProjectedEvent> fresh,
            List<ProjectedEvent> read) {
        Set<String> ids = new LinkedHashSet<>();
        fresh.forEach(e -> ids.add(e.id()));
        Map<Integer, Long> highest = new HashMap<>();
        read.forEach(e -> highest.merge(e.partition(), e.offset(), Math::max));
        return Sql.column(session, """
                with moved as (
                    insert into projection_positions (name, version, kafka_partition, kafka_offset)
                    select cast(:name as text), cast(:version as int), * from unnest(cast(:partitions as int[]),
                                                                                     cast(:offsets as bigint[]))
                    on conflict (name, version, kafka_partition) do update
                       set kafka_offset = greatest(projection_positions.kafka_offset, excluded.kafka_offset))
                insert into projection_events (name, version, event_id)
                select cast(:name as text), cast(:version as int), unnest(cast(:ids as text[]))
                on conflict do nothing returning event_id""",
                Map.of("name", name(), "version", version, "ids", ids.toArray(String[]::new),
                        "partitions", highest.keySet().toArray(Integer[]::new),
                        "offsets", highest.keySet().stream().map(highest::get).toArray(Long[]::new)), String.class)
                .map(HashSet::new);
    }

    /** Removes a version's rows, ids and positions. */
    Uni<Void> deleteVersion(Mutiny.Session session, int version) {
        Map<String, Object> where = Map.of("name", name(), "version", version);
        return Sql.execute(session, "delete from " + projection.table() + " where version = :version",
                        Map.of("version", version))
                .chain(() -> Sql.execute(session, "delete from projection_events where name = :name and version = :version", where))
                .chain(() -> Sql.execute(session, "delete from projection_positions where name = :name and version = :version", where))
                .replaceWithVoid();
    }
}
