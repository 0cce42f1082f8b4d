package dev.byoc.contracts.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.byoc.contracts.Json;
import dev.byoc.contracts.event.Check;
import dev.byoc.contracts.event.EventTypes;
import dev.byoc.contracts.event.Validated;
import dev.byoc.contracts.event.ValidationFailed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The validation events' v2: a check id is open (so kubernetes-api, and later checks, are no new
 * version), v1 still enumerates six, and every reader maps both versions onto the same records.
 */
class CheckIdVersionTests {
    static final String VALIDATED_V1 = "byoc.cluster.validated.v1";
    static final String VALIDATED_V2 = "byoc.cluster.validated.v2";
    static final String FAILED_V1 = "byoc.cluster.validation-failed.v1";
    static final String FAILED_V2 = "byoc.cluster.validation-failed.v2";

    static ObjectNode withCheck(String type, String id) {
        ObjectNode event = (ObjectNode) Json.read(IncomingEventTests.example(type), com.fasterxml.jackson.databind.JsonNode.class);
        ((ArrayNode) event.path("checks")).addObject().put("id", id).put("status", "fail").put("message", "m").put("remediation", "r");
        return event;
    }

    @Test
    void theProvisionerPublishesV2AndV1IsLegacy() {
        assertThat(EventTypes.of(Validated.class)).contains(EventTypes.VALIDATED);
        assertThat(EventTypes.VALIDATED.type()).isEqualTo(VALIDATED_V2);
        assertThat(EventTypes.of(ValidationFailed.class)).contains(EventTypes.VALIDATION_FAILED);
        assertThat(EventTypes.VALIDATION_FAILED.type()).isEqualTo(FAILED_V2);
        assertThat(EventTypes.VALIDATED_V1.legacy()).isTrue();
        assertThat(EventTypes.VALIDATION_FAILED_V1.legacy()).isTrue();
        assertThat(EventTypes.CLUSTER_EVENTS).contains(EventTypes.VALIDATED, EventTypes.VALIDATION_FAILED,
                EventTypes.VALIDATED_V1, EventTypes.VALIDATION_FAILED_V1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kubernetes-api", "old-credential-revoked", "a", "check-2"})
    void v2AcceptsAnyKebabCaseCheckId(String id) {
        assertThat(SchemaValidator.violations(VALIDATED_V2, withCheck(VALIDATED_V2, id))).isEmpty();
        assertThat(SchemaValidator.violations(FAILED_V2, withCheck(FAILED_V2, id))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Kubernetes-API", "kubernetes_api", "-api", "2fa", "kubernetes api"})
    void v2StillRefusesWhatIsNoCheckId(String id) {
        assertThat(SchemaValidator.violations(VALIDATED_V2, withCheck(VALIDATED_V2, id))).as(id).isNotEmpty();
    }

    @Test
    void v1KeepsItsSixIds() {
        assertThat(SchemaValidator.violations(VALIDATED_V1, withCheck(VALIDATED_V1, "kubernetes-api"))).isNotEmpty();
        assertThat(SchemaValidator.violations(FAILED_V1, withCheck(FAILED_V1, "kubernetes-api"))).isNotEmpty();
        assertThat(SchemaValidator.violations(VALIDATED_V1, withCheck(VALIDATED_V1, "quotas"))).isEmpty();
    }

    @Test
    void v1AndV2AreReadIntoTheSameRecords() {
        IncomingEvent v1 = IncomingEvents.read(IncomingEventTests.headers(VALIDATED_V1), IncomingEventTests.example(VALIDATED_V1),
                EventTypes.CLUSTER_EVENTS);
        IncomingEvent v2 = IncomingEvents.read(IncomingEventTests.headers(VALIDATED_V2), IncomingEventTests.example(VALIDATED_V2),
                EventTypes.CLUSTER_EVENTS);
        assertThat(v1).isInstanceOf(IncomingEvent.Accepted.class);
        assertThat(v2).isInstanceOf(IncomingEvent.Accepted.class);
        Validated legacy = (Validated) ((IncomingEvent.Accepted) v1).data();
        Validated current = (Validated) ((IncomingEvent.Accepted) v2).data();
        assertThat(((IncomingEvent.Accepted) v1).type()).isEqualTo(EventTypes.VALIDATED_V1);
        assertThat(legacy.checks()).extracting(Check::id).doesNotContain("kubernetes-api");
        assertThat(current.checks()).extracting(Check::id).contains("kubernetes-api");

        IncomingEvent failedV1 = IncomingEvents.read(IncomingEventTests.headers(FAILED_V1), IncomingEventTests.example(FAILED_V1),
                EventTypes.CLUSTER_EVENTS);
        assertThat(((IncomingEvent.Accepted) failedV1).data()).isInstanceOf(ValidationFailed.class);
    }

    @Test
    void aReaderSkipsANewerVersionThanItKnowsInsteadOfDeadLetteringIt() {
        // what a consumer still on the old contracts jar (it knows only .v1) does with .v2 — the rule that lets
        // readers be rolled out before the provisioner — shown one version up, since this jar knows .v2:
        // a .v3 of a type this jar knows is skipped, not dead-lettered
        java.util.Map<String, String> headers = new java.util.HashMap<>(IncomingEventTests.headers(VALIDATED_V2));
        headers.put("ce_type", "byoc.cluster.validated.v3");
        headers.put("ce_source", dev.byoc.contracts.Producers.PROVISIONER);
        IncomingEvent newer = IncomingEvents.read(headers, IncomingEventTests.example(VALIDATED_V2), EventTypes.CLUSTER_EVENTS);
        assertThat(newer).isInstanceOf(IncomingEvent.Skipped.class);
    }
}
