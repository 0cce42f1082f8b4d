package dev.byoc.support;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * How the contract topics are created when missing, {@code byoc.topics.*} (read once at start by
 * {@link TopicsAtStartup}; an existing topic is never changed). Every service sets the same values.
 */
@ConfigMapping(prefix = "byoc.topics")
public interface TopicsConfig {
    /** partitions of {@code byoc.cluster-events} when it is created (default 6) */
    @WithName("cluster-events.partitions")
    @WithDefault("6")
    int clusterEventsPartitions();

    /** partitions of {@code byoc.cluster-events.dlq} when it is created (default 3) */
    @WithName("cluster-events-dlq.partitions")
    @WithDefault("3")
    int clusterEventsDlqPartitions();

    /** partitions of {@code byoc.cluster-commands} when it is created (default 3) */
    @WithName("cluster-commands.partitions")
    @WithDefault("3")
    int clusterCommandsPartitions();

    /** partitions of the compacted {@code byoc.cluster-state} when it is created (default 6) */
    @WithName("cluster-state.partitions")
    @WithDefault("6")
    int clusterStatePartitions();

    /** replicas of every created topic (default 1, a single broker; 3 in production) */
    @WithDefault("1")
    short replicationFactor();
}
