package dev.byoc.monitor.watch;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** When the poller next looks at a cluster: runtime state beside the watch list, not part of the projection. */
@Entity
@Table(name = "poll_schedule")
public class PollSchedule {
    @Id
    @Column(name = "cluster_id")
    public UUID clusterId;
    @Column(name = "next_poll_at")
    public Instant nextPollAt;

    public static PollSchedule of(UUID clusterId, Instant nextPollAt) {
        PollSchedule schedule = new PollSchedule();
        schedule.clusterId = clusterId;
        schedule.nextPollAt = nextPollAt;
        return schedule;
    }
}
