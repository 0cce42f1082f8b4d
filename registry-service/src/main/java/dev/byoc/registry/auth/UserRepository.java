package dev.byoc.registry.auth;

import dev.byoc.support.db.Sql;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Users ({@link AppUser}) and their API keys ({@link ApiKey}). Calls join the caller's session. */
@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<AppUser, String> {
    public record User(String username, boolean admin, UUID clusterContext) {
        static User of(AppUser user) {
            return new User(user.username, user.admin, user.clusterContext);
        }
    }

    public Uni<Optional<User>> byKeyHash(String hash) {
        return getSession().chain(session -> session.createSelectionQuery(
                "select u from AppUser u, ApiKey k where k.username = u.username and k.keyHash = :hash "
                        + "and k.revokedAt is null", AppUser.class).setParameter("hash", hash).getSingleResultOrNull())
                .map(user -> Optional.ofNullable(user).map(User::of));
    }

    public Uni<Optional<User>> byName(String username) {
        return findById(username).map(user -> Optional.ofNullable(user).map(User::of));
    }

    /** True when created, false when the user already existed. */
    public Uni<Boolean> create(String username, boolean admin) {
        return getSession().chain(session -> Sql.execute(session,
                "insert into users (username, admin) values (:username, :admin) on conflict (username) do nothing",
                Map.of("username", username, "admin", admin))).map(inserted -> inserted == 1);
    }

    public Uni<UUID> addKey(String username, String hash, String hint) {
        ApiKey key = new ApiKey();
        key.id = UUID.randomUUID();
        key.username = username;
        key.keyHash = hash;
        key.keyHint = hint;
        return getSession().chain(session -> session.persist(key)).replaceWith(key.id);
    }

    public Uni<Boolean> revokeKey(String username, UUID keyId) {
        return getSession().chain(session -> session.find(ApiKey.class, keyId)).map(key -> {
            if (key == null || !key.username.equals(username) || key.revokedAt != null) {
                return false;
            }
            key.revokedAt = Instant.now();
            return true;
        });
    }

    public Uni<Void> setClusterContext(String username, UUID clusterId) {
        return findById(username).invoke(user -> {
            if (user != null) {
                user.clusterContext = clusterId;
            }
        }).replaceWithVoid();
    }
}
