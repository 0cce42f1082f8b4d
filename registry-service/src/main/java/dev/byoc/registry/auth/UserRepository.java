package dev.byoc.registry.auth;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class UserRepository {
    public record User(String username, boolean admin, UUID clusterContext) {
    }

    private final AgroalDataSource dataSource;

    UserRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<User> byKeyHash(String hash) throws SQLException {
        return one("select u.username, u.admin, u.cluster_context from api_keys k join users u on u.username = k.username "
                + "where k.key_hash = ? and k.revoked_at is null", hash);
    }

    public Optional<User> byName(String username) throws SQLException {
        return one("select username, admin, cluster_context from users where username = ?", username);
    }

    /** True when created, false when the user already existed. */
    public boolean create(String username, boolean admin) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "insert into users (username, admin) values (?, ?) on conflict (username) do nothing")) {
            s.setString(1, username);
            s.setBoolean(2, admin);
            return s.executeUpdate() == 1;
        }
    }

    public UUID addKey(String username, String hash, String hint) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "insert into api_keys (id, username, key_hash, key_hint) values (?, ?, ?, ?)")) {
            s.setObject(1, id);
            s.setString(2, username);
            s.setString(3, hash);
            s.setString(4, hint);
            s.executeUpdate();
        }
        return id;
    }

    public boolean revokeKey(String username, UUID keyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "update api_keys set revoked_at = now() where id = ? and username = ? and revoked_at is null")) {
            s.setObject(1, keyId);
            s.setString(2, username);
            return s.executeUpdate() == 1;
        }
    }

    public void setClusterContext(String username, UUID clusterId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("update users set cluster_context = ? where username = ?")) {
            s.setObject(1, clusterId);
            s.setString(2, username);
            s.executeUpdate();
        }
    }

    private Optional<User> one(String sql, String param) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(new User(r.getString(1), r.getBoolean(2), r.getObject(3, UUID.class)))
                        : Optional.empty();
            }
        }
    }
}
