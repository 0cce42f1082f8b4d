package dev.byoc.registry.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.UUID;

/** A platform user (table {@code users}); the owner of clusters and API keys. */
@Entity
@Table(name = "users")
public class AppUser {
    @Id
    public String username;
    public boolean admin;
    /** the default cluster of {@code byoc user set-cluster-context} */
    @Column(name = "cluster_context")
    public UUID clusterContext;
}
