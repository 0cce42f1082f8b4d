package dev.byoc.monitor.watch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * When the poller next looks at a cluster: runtime state beside the watch list, not part of the
 * projection. Written by an upsert ({@link WatchList#schedule}), read joined with the watch list.
 */
@Entity
@Table(name = "poll_schedule")
public class PollSchedule {
    @Id
    @Column(name = "cluster_id")
    public UUID clusterId;
    @Column(name = "next_poll_at")
    public Instant nextPollAt;
}
