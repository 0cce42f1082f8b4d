package dev.byoc.provisioner;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.byoc.provisioner.Outcome.FAILED;
import static dev.byoc.provisioner.Outcome.TORN_DOWN;
import static dev.byoc.provisioner.Outcome.VALIDATED;
import static dev.byoc.provisioner.Outcome.checks;
import static dev.byoc.provisioner.Stubs.SCENARIO;
import static dev.byoc.provisioner.Stubs.server;
import static dev.byoc.provisioner.Stubs.stub;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.byoc.contracts.envelope.EventIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaBroker;
import dev.byoc.testsupport.KafkaResource;
import dev.byoc.testsupport.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the service consumes: redelivery, timeouts, order within a cluster, concurrency across clusters, bad records. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class ConsumerTests {
    static final String REQUESTED = Outcome.REQUESTED;
    static final String UPDATED = Outcome.UPDATED;
    static final String DELETED = Outcome.DELETED;

    UUID clusterId;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        Stubs.quotasAtRecommendations();
        clusterId = UUID.randomUUID();
    }

    /** The partition Kafka's default partitioner picks for a cluster id (the topic has 3 in tests). */
    static int partition(UUID id) {
        int partitions = KafkaResource.TOPICS.get(Outcome.EVENTS);
        return Utils.toPositive(Utils.murmur2(id.toString().getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    static UUID onTheSamePartitionAs(UUID id) {
        UUID other;
        do {
            other = UUID.randomUUID();
        } while (partition(other) != partition(id));
        return other;
    }

    @Test
    void aRedeliveredRequestIsAnsweredWithTheSameEventIds() {
        String ceId = UUID.randomUUID().toString();
        String json = Spec.sandbox().requested(clusterId);
        Outcome.send(REQUESTED, ceId, clusterId, json);
        Outcome.send(REQUESTED, ceId, clusterId, json);

        Outcome outcome = Outcome.await(clusterId, ceId, 2, Duration.ofSeconds(60));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED, Outcome.STARTED, VALIDATED);
        assertThat(outcome.records()).extracting(r -> KafkaTestClient.header(r, "ce_id")).containsExactly(
                EventIds.derived(ceId, Outcome.STARTED), EventIds.derived(ceId, VALIDATED),
                EventIds.derived(ceId, Outcome.STARTED), EventIds.derived(ceId, VALIDATED));
        assertThat(outcome.records().stream().map(r -> KafkaTestClient.header(r, "ce_id")).distinct()).hasSize(2);
        List<ConsumerRecord<String, String>> results = outcome.records().stream()
                .filter(r -> VALIDATED.equals(Outcome.type(r))).toList();
        assertThat(Outcome.data(results.get(0)).path("checks")).isEqualTo(Outcome.data(results.get(1)).path("checks"));
    }

    @Test
    void anAwsCallThatNeverAnswersIsThePlatformsFaultRetriedNotFailedAndThePartitionKeepsMoving() {
        UUID other = onTheSamePartitionAs(clusterId);
        String scenario = "never-answers-" + clusterId;
        // the first DescribeCluster of slow-01 is answered after 20 s, far beyond the 3 s call timeout of %test
        stub(Stubs.describeCluster("slow-01").atPriority(SCENARIO).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(Stubs.eksCluster("slow-01", "ACTIVE").withFixedDelay(20_000)).willSetStateTo("answering"));
        stub(Stubs.describeCluster("slow-01").atPriority(SCENARIO).inScenario(scenario).whenScenarioStateIs("answering")
                .willReturn(Stubs.eksCluster("slow-01", "ACTIVE")));
        Spec slow = Spec.sandbox().eksClusterName("slow-01");

        String first = Outcome.request(clusterId, slow);
        String behind = Outcome.request(other, Spec.sandbox());
        String edit = Outcome.send(UPDATED, clusterId, slow.updated(clusterId));

        Outcome timedOut = Outcome.await(clusterId, first);
        Outcome neighbour = Outcome.await(other, behind);
        Outcome edited = Outcome.await(clusterId, edit);

        // AWS not answering is the platform's trouble (AwsFaults), not a finding about the customer's
        // cluster: the validation ran again (validation-started said once) and passed
        assertThat(timedOut.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(timedOut.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        assertThat(neighbour.result()).isEqualTo(VALIDATED);
        assertThat(edited.result()).isEqualTo(VALIDATED);
        assertThat(edited.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        // the hanging call (not retried past its deadline), its rerun, the edit's
        server().verify(3, getRequestedFor(urlPathEqualTo("/clusters/slow-01")));

        // all on one partition: the neighbour behind the hanging record was answered while it hung (other
        // clusters run concurrently), and the same cluster's edit only after its first validation ended
        int partition = timedOut.last().partition();
        assertThat(List.of(neighbour.last().partition(), edited.last().partition())).containsOnly(partition);
        assertThat(neighbour.last().offset()).isLessThan(timedOut.last().offset());
        assertThat(edited.first(Outcome.STARTED).offset()).isGreaterThan(timedOut.last().offset());
    }

    /** Committed offsets of the provisioner's group on byoc.cluster-events, by partition. */
    static Map<Integer, Long> committed() throws Exception {
        try (Admin admin = Admin.create(KafkaBroker.shared().adminSettings())) {
            Map<Integer, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets("byoc-provisioner").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .forEach((tp, om) -> {
                        if (Outcome.EVENTS.equals(tp.topic()) && om != null) {
                            offsets.put(tp.partition(), om.offset());
                        }
                    });
            return offsets;
        }
    }

    static long endOffset(int partition) throws Exception {
        try (Admin admin = Admin.create(KafkaBroker.shared().adminSettings())) {
            TopicPartition tp = new TopicPartition(Outcome.EVENTS, partition);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS).offset();
        }
    }

    @Test
    void offsetsAreCommittedOnlyUpToTheOldestRecordStillBeingWorkedOn() throws Exception {
        // A retries AccessDenied for several seconds (an owner whose issued ID the role does not trust); B behind it
        // on the same partition is quick
        UUID other = onTheSamePartitionAs(clusterId);
        // some finished work ahead of A on the partition, so there is something to commit before it
        UUID ahead = onTheSamePartitionAs(clusterId);
        assertThat(Outcome.await(ahead, Outcome.request(ahead, Spec.sandbox())).result()).isEqualTo(VALIDATED);
        Spec slow = Spec.sandbox().owner(Spec.STRANGER);
        String first = Outcome.request(clusterId, slow);
        String behind = Outcome.request(other, Spec.sandbox());
        int partition = partition(clusterId);
        long offsetOfFirst = KafkaTestClient.shared().read(Outcome.EVENTS, r -> first.equals(KafkaTestClient.header(r, "ce_id")),
                found -> !found.isEmpty(), Duration.ofSeconds(20)).get(0).offset();

        assertThat(Outcome.await(other, behind).result()).isEqualTo(VALIDATED);
        // B is acknowledged, A is not: the commits (every 0.5 s in %test) stop right before A. Let a few
        // commit cycles pass after B's answer (A keeps retrying for ~7 s), then look.
        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(20))
                .until(() -> committed().getOrDefault(partition, -1L) >= offsetOfFirst);
        assertThat(committed().get(partition)).isEqualTo(offsetOfFirst);
        assertThat(KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key())
                && FAILED.equals(Outcome.type(r)), found -> !found.isEmpty(), Duration.ofMillis(500)))
                .as("A must still be in flight when the commit is looked at (a very slow machine makes this inconclusive)")
                .isEmpty();

        assertThat(Outcome.await(clusterId, first).result()).isEqualTo(FAILED);
        // once A is done, everything is acknowledged: the group catches up with the end of the partition
        await().atMost(Duration.ofSeconds(30)).until(() -> committed().getOrDefault(partition, -1L) == endOffset(partition));
    }

    @Test
    void aVerifyRequestedIsAnsweredLikeAnEditAndItsRemediationsNameTheVerifyCommand() {
        String open = Stubs.openRole(clusterId);
        String verify = Outcome.send("byoc.cluster.verify-requested.v1", clusterId,
                Spec.sandbox().roleArn(open).verifyRequested(clusterId, "user"));

        Outcome failed = Outcome.await(clusterId, verify);
        assertThat(failed.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(failed.remediation("external-id-enforced"))
                .contains("byoc clusters verify c-" + clusterId.toString().substring(0, 8)).doesNotContain("{cluster}");

        // a scheduled one for a cluster whose role enforces the external ID (the sandbox's demo role) passes
        String scheduled = Outcome.send("byoc.cluster.verify-requested.v1", clusterId,
                Spec.sandbox().verifyRequested(clusterId, "scheduled"));
        assertThat(Outcome.await(clusterId, scheduled).types()).containsExactly(Outcome.STARTED, VALIDATED);
    }

    @Test
    void eventsOfOneClusterAreHandledInOrder() {
        Spec spec = Spec.sandbox();
        String requested = Outcome.request(clusterId, spec);
        String updated = Outcome.send(UPDATED, clusterId, spec.instanceTypes("m5.2xlarge").updated(clusterId));
        String deleted = Outcome.send(DELETED, clusterId, spec.deleted(clusterId, false));

        Outcome first = Outcome.await(clusterId, requested);
        Outcome second = Outcome.await(clusterId, updated);
        Outcome third = Outcome.await(clusterId, deleted);

        assertThat(List.of(first.result(), second.result(), third.result())).containsExactly(VALIDATED, VALIDATED, TORN_DOWN);
        assertThat(first.last().offset()).isLessThan(second.first(Outcome.STARTED).offset());
        assertThat(second.last().offset()).isLessThan(third.last().offset());
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueAndTheRecordBehindThemIsHandled() {
        String notJson = UUID.randomUUID().toString();
        String invalid = UUID.randomUUID().toString();
        KafkaTestClient kafka = KafkaTestClient.shared();
        kafka.produce(Outcome.EVENTS, clusterId.toString(), "{not json",
                KafkaTestClient.cloudEvent(notJson, REQUESTED, clusterId.toString()));
        kafka.produce(Outcome.EVENTS, clusterId.toString(), "{\"clusterId\": \"" + clusterId + "\"}",
                KafkaTestClient.cloudEvent(invalid, REQUESTED, clusterId.toString()));
        String good = Outcome.request(clusterId, Spec.sandbox());

        assertThat(Outcome.await(clusterId, good).result()).isEqualTo(VALIDATED);
        var dead = kafka.read("byoc.cluster-events.dlq", r -> clusterId.toString().equals(r.key()), found -> found.size() >= 2,
                Duration.ofSeconds(20));
        assertThat(dead).extracting(r -> KafkaTestClient.header(r, "ce_id")).containsExactly(notJson, invalid);
        assertThat(KafkaTestClient.header(dead.get(0), "dead-letter-reason")).contains("not valid JSON");
        assertThat(KafkaTestClient.header(dead.get(1), "dead-letter-reason")).contains("schema byoc.cluster.requested.v2");
        // nothing was published for them: the good record came after both and is answered
        var answers = kafka.read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key())
                && String.valueOf(Outcome.type(r)).startsWith("byoc.cluster.validat"), found -> false, Duration.ofSeconds(2));
        assertThat(answers).extracting(r -> Outcome.data(r).path("causeEventId").asText()).containsOnly(good);
    }

    @Test
    void aV2RequestThatCarriesAnExternalIdIsDeadLetteredAndNeverActedOn() {
        // v2 forbids spec.externalId: a producer still sending one is refused, not half-trusted
        String carrying = Outcome.send(REQUESTED, clusterId, Spec.sandbox().requested(clusterId, "customer-chosen-id-0001"));
        String good = Outcome.request(clusterId, Spec.sandbox());

        assertThat(Outcome.await(clusterId, good).result()).isEqualTo(VALIDATED);
        var dead = KafkaTestClient.shared().read("byoc.cluster-events.dlq", r -> carrying.equals(KafkaTestClient.header(r, "ce_id")),
                found -> !found.isEmpty(), Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(KafkaTestClient.header(dead.get(0), "dead-letter-reason")).contains("schema byoc.cluster.requested.v2");
        var answers = KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key())
                && carrying.equals(Outcome.data(r).path("causeEventId").asText()), found -> false, Duration.ofSeconds(2));
        assertThat(answers).isEmpty();
        server().verify(0, Stubs.assumeRoleWith("customer-chosen-id-0001"));
        server().verify(1, Stubs.assumeRoleWith(AwsStandIn.externalIdOf(AwsStandIn.OWNER)));
    }

    @Test
    void aForcedDeleteTouchesNothing() {
        Spec spec = Spec.sandbox();
        String forced = Outcome.send(DELETED, clusterId, spec.deleted(clusterId, true));
        String requested = Outcome.request(clusterId, spec);

        // the request behind it is answered, so the forced delete was handled before
        assertThat(Outcome.await(clusterId, requested).result()).isEqualTo(VALIDATED);
        var answers = KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key())
                && forced.equals(Outcome.data(r).path("causeEventId").asText()), found -> false, Duration.ofSeconds(2));
        assertThat(answers).isEmpty();
        server().verify(0, anyRequestedFor(urlPathMatching("/byoc-demo-01-bucket/?")).withQueryParam("list-type",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("2")));
        // one AssumeRole with the issued ID: the request's; the forced delete assumed nothing
        server().verify(1, Stubs.assumeRoleWith(AwsStandIn.externalIdOf(AwsStandIn.OWNER)));
    }

    @Test
    void aDeletedForgedByAnotherServiceIsDeadLetteredAndNothingIsTornDown() {
        // ce_source says monitor-service: only the registry emits deleted, so it is not believed
        String forged = UUID.randomUUID().toString();
        KafkaTestClient.shared().produce(Outcome.EVENTS, clusterId.toString(), Spec.sandbox().deleted(clusterId, false),
                KafkaTestClient.cloudEvent(forged, DELETED, clusterId.toString(), dev.byoc.contracts.Producers.MONITOR));
        String requested = Outcome.request(clusterId, Spec.sandbox());

        assertThat(Outcome.await(clusterId, requested).result()).isEqualTo(VALIDATED);
        var dead = KafkaTestClient.shared().read("byoc.cluster-events.dlq", r -> forged.equals(KafkaTestClient.header(r, "ce_id")),
                found -> !found.isEmpty(), Duration.ofSeconds(20));
        assertThat(dead).hasSize(1);
        assertThat(KafkaTestClient.header(dead.get(0), "dead-letter-reason")).startsWith("unexpected producer");
        var answers = KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key())
                && forged.equals(Outcome.data(r).path("causeEventId").asText()), found -> false, Duration.ofSeconds(2));
        assertThat(answers).as("no teardown-completed for the forged delete").isEmpty();
        server().verify(0, anyRequestedFor(urlPathMatching("/byoc-demo-01-bucket/?")).withQueryParam("list-type",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("2")));
    }
}
