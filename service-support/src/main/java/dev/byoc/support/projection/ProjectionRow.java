package dev.byoc.support.projection;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A projection's row in {@code projections}: which version is live, and the state of the running
 * (or last) rebuild. Live appliers read it FOR SHARE, a switch-over takes it FOR UPDATE.
 */
@Entity
@Table(name = "projections")
public class ProjectionRow {
    @Id
    public String name;
    @Column(name = "live_version")
    public int liveVersion;
    @Column(name = "building_version")
    public Integer buildingVersion;
    /** {@code live} or {@code building} */
    public String state;
    @Column(name = "events_applied")
    public long eventsApplied;
    /** per-partition lag of the rebuild behind the live version, as JSON */
    @JdbcTypeCode(SqlTypes.JSON)
    public String lag;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    /** a building row whose heartbeat is stale may be taken over */
    @Column(name = "heartbeat_at")
    public Instant heartbeatAt;
}
