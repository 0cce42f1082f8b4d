package dev.byoc.monitor;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/**
 * The monitor's own settings, {@code byoc.monitor.*} (defaults and profiles in
 * application.properties; each key is described there and in the README).
 */
@ConfigMapping(prefix = "byoc.monitor")
public interface MonitorConfig {
    /** how often the scheduler looks for due polls and timeouts (read by the {@code @Scheduled} expression too) */
    Duration tick();

    /**
     * how often the announcement relay publishes what a fold recorded but no live drain published
     * (a crash between commit and publish, a broker outage); {@code byoc.monitor.announcement-relay-interval}
     */
    Duration announcementRelayInterval();

    /** how often {@code byoc_monitor_clusters{status}} is recounted (read by the {@code @Scheduled} expression too) */
    Duration gaugeInterval();

    /** EKS DescribeCluster interval per cluster */
    Duration pollInterval();

    /** up to this much random delay added to each cluster's slot (the slots themselves are spread evenly over the interval) */
    Duration pollJitter();

    /** EKS polls in flight at once per replica (each holds a thread while AWS answers) */
    int pollConcurrency();

    /** at most this many EKS DescribeCluster calls a second in one AWS account; polls over it wait a second */
    int accountPollsPerSecond();

    /** consecutive healthy observations that bring a health-failed cluster back to running */
    int healthyToRecover();

    /** consecutive unhealthy observations that fail a running cluster */
    int unhealthyToFail();

    /** pending longer than this fails the cluster ("provisioning timed out") */
    Duration provisioningTimeout();

    /** terminating longer than this fails the cluster, which may then be deleted again */
    Duration teardownTimeout();

    /** this replica's name in /api/v1/watch and in AssumeRole session names; empty = random per start */
    Optional<String> instanceId();
}
