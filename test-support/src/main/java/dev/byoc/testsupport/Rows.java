package dev.byoc.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Query results as comparable strings, for "this table equals that one, row for row" assertions. */
public final class Rows {
    private Rows() {
    }

    /** Each row as its columns joined by {@code |} (nulls as "null"), in the query's order. */
    public static List<String> of(DataSource dataSource, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            int columns = r.getMetaData().getColumnCount();
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(r.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /**
     * The live version of a projection table (rows of other versions and the version column left
     * out), ordered by cluster id.
     */
    public static List<String> liveVersion(DataSource dataSource, String schema, String table, String projection,
            String columns) throws SQLException {
        return of(dataSource, "select " + columns + " from " + schema + "." + table + " where version = (select live_version "
                + "from " + schema + ".projections where name = '" + projection + "') order by cluster_id");
    }
}
