package dev.byoc.registry.cluster;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** The write model: a cluster as its owner registered, edited and deleted it (table {@code clusters}). */
@Entity
@Table(name = "clusters")
public class Cluster {
    @Id
    public UUID id;
    public String name;
    public String owner;
    /** the contract's ClusterSpec as JSON (no external ID: the contract has none) */
    @JdbcTypeCode(SqlTypes.JSON)
    public String spec;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
    /** deletion requested (read-your-writes: shown as terminating until the projection says more) */
    @Column(name = "deleting_at")
    public Instant deletingAt;
    @Column(name = "force_deleted")
    public boolean forceDeleted;
    /** reached deleted: the name is free again */
    @Column(name = "released_at")
    public Instant releasedAt;
    /** bumped by Hibernate on every write; a write from a stale read fails (optimistic locking) */
    @Version
    public long version;
}
