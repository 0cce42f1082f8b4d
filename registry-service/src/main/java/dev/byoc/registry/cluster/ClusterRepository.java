package dev.byoc.registry.cluster;

import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.ClusterSpec;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The write model and its join with the projection. Calls join the caller's transaction. */
@ApplicationScoped
public class ClusterRepository {
    /** Unique-violation SQLState: the name is taken. */
    public static final String UNIQUE_VIOLATION = "23505";

    /**
     * Status as the caller must see it right after their own write (read-your-writes): a delete
     * the projection has not seen yet shows as terminating.
     */
    private static final String SELECT = """
            select c.id, c.name, c.owner, c.spec::text, c.created_at,
                   greatest(c.updated_at, v.updated_at) as updated_at,
                   case when c.released_at is not null and c.force_deleted then 'deleted'
                        when c.deleting_at is not null and (v.updated_at is null or v.updated_at < c.deleting_at)
                             then 'terminating'
                        else coalesce(v.status, 'queued') end as status,
                   case when c.deleting_at is not null and (v.updated_at is null or v.updated_at < c.deleting_at)
                             then case when c.force_deleted then 'force-deleted: no resources were deleted'
                                       else 'deletion requested' end
                        else v.reason end as reason,
                   v.checks::text, v.teardown::text, c.released_at is not null
              from clusters c left join cluster_view v on v.cluster_id = c.id
                   and v.version = (select live_version from projections where name = 'cluster-view')
            """;

    private final AgroalDataSource dataSource;

    ClusterRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public void insert(UUID id, String name, String owner, ClusterSpec spec, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("insert into clusters (id, name, owner, spec, created_at, updated_at) "
                        + "values (?, ?, ?, ?::jsonb, ?, ?)")) {
            s.setObject(1, id);
            s.setString(2, name);
            s.setString(3, owner);
            s.setString(4, Json.write(spec));
            s.setTimestamp(5, Timestamp.from(now));
            s.setTimestamp(6, Timestamp.from(now));
            s.executeUpdate();
        }
    }

    public void updateSpec(UUID id, ClusterSpec spec, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update clusters set spec = ?::jsonb, updated_at = ? where id = ?")) {
            s.setString(1, Json.write(spec));
            s.setTimestamp(2, Timestamp.from(now));
            s.setObject(3, id);
            s.executeUpdate();
        }
    }

    public void markDeleting(UUID id, boolean force, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update clusters set deleting_at = ?, updated_at = ?, "
                        + "force_deleted = ?, released_at = case when ? then ? else released_at end where id = ?")) {
            s.setTimestamp(1, Timestamp.from(now));
            s.setTimestamp(2, Timestamp.from(now));
            s.setBoolean(3, force);
            s.setBoolean(4, force);
            s.setTimestamp(5, Timestamp.from(now));
            s.setObject(6, id);
            s.executeUpdate();
        }
    }

    /** The owner's cluster by name: the live one, else the most recently deleted one. */
    public Optional<ClusterRow> byName(String owner, String name) throws SQLException {
        List<ClusterRow> rows = query(SELECT + " where c.owner = ? and c.name = ? order by (c.released_at is null) desc, "
                + "c.created_at desc limit 1", owner, name);
        return rows.stream().findFirst();
    }

    public Optional<ClusterRow> byId(UUID id) throws SQLException {
        return query(SELECT + " where c.id = ?", id).stream().findFirst();
    }

    /** Newest first; keyset pagination on (created_at, id) so concurrent inserts never shift a page. */
    public List<ClusterRow> list(String owner, boolean includeDeleted, String status, Instant afterCreated, UUID afterId,
            int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("select * from (" + SELECT + " where c.owner = ?");
        List<Object> params = new ArrayList<>(List.of(owner));
        if (!includeDeleted) {
            sql.append(" and c.released_at is null");
        }
        if (afterCreated != null) {
            sql.append(" and (c.created_at, c.id) < (?, ?)");
            params.add(Timestamp.from(afterCreated));
            params.add(afterId);
        }
        sql.append(") rows");
        if (status != null) {
            sql.append(" where status = ?");
            params.add(status);
        }
        sql.append(" order by created_at desc, id desc limit ?");
        params.add(limit);
        return query(sql.toString(), params.toArray());
    }

    /** Names of the owner's live clusters, for "did you mean". */
    public List<String> names(String owner) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("select name from clusters where owner = ? and released_at is null")) {
            s.setString(1, owner);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
        }
        return names;
    }

    private List<ClusterRow> query(String sql, Object... params) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<ClusterRow> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.add(new ClusterRow(r.getObject(1, UUID.class), r.getString(2), r.getString(3),
                            Json.read(r.getString(4), ClusterSpec.class), r.getString(7), r.getString(8),
                            tree(r.getString(9)), tree(r.getString(10)), r.getTimestamp(5).toInstant(),
                            r.getTimestamp(6).toInstant(), r.getBoolean(11)));
                }
            }
            return rows;
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode tree(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
