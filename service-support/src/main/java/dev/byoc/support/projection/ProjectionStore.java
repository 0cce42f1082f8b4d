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
import org.hibernate.LockMode;
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

    /** The live version, held FOR SHARE until the caller's transaction ends. */
    public Uni<Integer> liveVersion(Mutiny.Session session) {
        return session.find(ProjectionRow.class, name(), LockMode.PESSIMISTIC_READ).map(row -> {
            if (row == null) {
                throw new IllegalStateException("no projections row for " + name() + " (missing migration?)");
            }
            return row.liveVersion;
        });
    }

    /** Applies one event to the live version. @return false when it had been applied before */
    public Uni<Boolean> applyLive(Mutiny.Session session, ProjectedEvent event, Changes<R> changes) {
        return liveVersion(session).chain(version -> apply(session, version, List.of(event), changes)).map(n -> n == 1);
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
        return positions(session, version).chain(positions -> {
            List<ProjectedEvent> fresh = events.stream()
                    .filter(e -> e.offset() > positions.getOrDefault(e.partition(), -1L)).toList();
            return recordIds(session, version, fresh).chain(firstSeen -> {
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
                        .chain(() -> savePositions(session, version, events))
                        .replaceWith(toApply.size());
            });
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

    /** One statement whatever the batch size: the ids travel as one text[] parameter. */
    private Uni<Set<String>> recordIds(Mutiny.Session session, int version, List<ProjectedEvent> events) {
        Set<String> ids = new LinkedHashSet<>();
        events.forEach(e -> ids.add(e.id()));
        if (ids.isEmpty()) {
            return Uni.createFrom().item(new HashSet<>());
        }
        return Sql.column(session, "insert into projection_events (name, version, event_id) "
                + "select :name, :version, unnest(cast(:ids as text[])) on conflict do nothing returning event_id",
                Map.of("name", name(), "version", version, "ids", ids.toArray(String[]::new)), String.class)
                .map(HashSet::new);
    }

    private Uni<Void> savePositions(Mutiny.Session session, int version, List<ProjectedEvent> events) {
        Map<Integer, Long> highest = new HashMap<>();
        events.forEach(e -> highest.merge(e.partition(), e.offset(), Math::max));
        List<Object[]> rows = highest.entrySet().stream().map(p -> new Object[] {p.getKey(), p.getValue()}).toList();
        return Sql.insertColumns(session, "projection_positions", Map.of("name", name(), "version", version),
                List.of(new Sql.Column("kafka_partition", "int"), new Sql.Column("kafka_offset", "bigint")), rows,
                "on conflict (name, version, kafka_partition) do update "
                        + "set kafka_offset = greatest(projection_positions.kafka_offset, excluded.kafka_offset)")
                .replaceWithVoid();
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
