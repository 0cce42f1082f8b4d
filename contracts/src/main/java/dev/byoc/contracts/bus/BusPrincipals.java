package dev.byoc.contracts.bus;

import dev.byoc.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Who may do what on the bus (DESIGN §3): one principal per role, least privilege. The one table
 * the test broker, {@code bin/byoc-stack} ({@link BusSecurity}) and the deploy manifests follow.
 * Every principal may describe the topics it uses (so a service's start-up topic check sees they
 * exist); none may create, alter or delete anything.
 */
public final class BusPrincipals {
    public static final String REGISTRY = "byoc-registry";
    public static final String PROVISIONER = "byoc-provisioner";
    public static final String MONITOR = "byoc-monitor";
    public static final String OPS = "byoc-ops";
    public static final String PRODUCER = "byoc-producer";

    /** @param groups consumer groups it may join; {@code "*"} = any (prefix match on everything) */
    public record Principal(String name, List<String> reads, List<String> writes, List<String> groups) {
    }

    private static final List<String> ALL_TOPICS = List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_EVENTS_DLQ,
            Topics.CLUSTER_COMMANDS, Topics.CLUSTER_STATE);

    public static final List<Principal> ALL = List.of(
            new Principal(REGISTRY, List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_COMMANDS),
                    List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_EVENTS_DLQ),
                    List.of("byoc-registry-projection", "byoc-registry-commands")),
            new Principal(PROVISIONER, List.of(Topics.CLUSTER_EVENTS),
                    List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_EVENTS_DLQ), List.of("byoc-provisioner")),
            new Principal(MONITOR, List.of(Topics.CLUSTER_EVENTS),
                    List.of(Topics.CLUSTER_EVENTS, Topics.CLUSTER_STATE, Topics.CLUSTER_EVENTS_DLQ), List.of("byoc-monitor")),
            new Principal(OPS, ALL_TOPICS, List.of(), List.of("*")),
            new Principal(PRODUCER, List.of(), List.of(Topics.CLUSTER_COMMANDS), List.of()));

    private BusPrincipals() {
    }

    /** The ACLs of every principal, ready for {@code Admin.createAcls}. */
    public static List<AclBinding> acls() {
        List<AclBinding> acls = new ArrayList<>();
        for (Principal p : ALL) {
            for (String topic : ALL_TOPICS) {
                if (p.reads().contains(topic) || p.writes().contains(topic)) {
                    acls.add(allow(p, ResourceType.TOPIC, topic, PatternType.LITERAL, AclOperation.DESCRIBE));
                }
            }
            p.reads().forEach(t -> acls.add(allow(p, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.READ)));
            p.writes().forEach(t -> acls.add(allow(p, ResourceType.TOPIC, t, PatternType.LITERAL, AclOperation.WRITE)));
            for (String group : p.groups()) {
                acls.add("*".equals(group)
                        ? allow(p, ResourceType.GROUP, "*", PatternType.LITERAL, AclOperation.READ)
                        : allow(p, ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ));
            }
        }
        return acls;
    }

    private static AclBinding allow(Principal p, ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + p.name(), "*", operation, AclPermissionType.ALLOW));
    }
}
