package dev.byoc.support.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The JDBC every {@link Projection} writes the same way: its rows of one version, by cluster id. */
public final class ProjectionRows {
    /** One row of a result set as the projection's row. */
    @FunctionalInterface
    public interface Mapper<R> {
        R map(ResultSet r) throws SQLException;
    }

    private ProjectionRows() {
    }

    /**
     * Runs {@code select <first column: cluster_id>, … from <table> where version = ? and cluster_id
     * = any (?) for update} and returns the rows by cluster id.
     */
    public static <R> Map<UUID, R> forUpdate(Connection c, String sql, int version, Set<UUID> keys, Mapper<R> mapper)
            throws SQLException {
        Map<UUID, R> rows = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setInt(1, version);
            s.setArray(2, c.createArrayOf("uuid", keys.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    rows.put(r.getObject(1, UUID.class), mapper.map(r));
                }
            }
        }
        return rows;
    }

    public static void deleteVersion(Connection c, String table, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("delete from " + table + " where version = ?")) {
            s.setInt(1, version);
            s.executeUpdate();
        }
    }
}
