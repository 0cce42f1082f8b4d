package dev.byoc.provisioner;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static dev.byoc.provisioner.Outcome.checks;
import static dev.byoc.provisioner.Stubs.SCENARIO;
import static dev.byoc.provisioner.Stubs.server;
import static dev.byoc.provisioner.Stubs.stub;
import static org.assertj.core.api.Assertions.assertThat;

import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.aws.PlatformIdentity;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Role rotation with proof, through the real service on the real broker and the real AWS SDK
 * against the stand-in: a rotation's candidate role is checked while the cluster keeps its role
 * (the answer moves no status: no validation-started, no validation-failed), and once a cluster
 * runs on a new role every validation says whether the platform can still assume the previous one.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class RotationTests {
    static final String OLD_ROLE = AwsStandIn.ROLE_ARN;
    static final String ADMIN_ID = AwsStandIn.externalIdOf(AwsStandIn.OWNER);

    UUID clusterId;
    String candidate;

    @Inject
    PlatformIdentity platformIdentity;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        Stubs.quotasAtRecommendations();
        platformIdentity.forgetCallerIdentity();
        clusterId = UUID.randomUUID();
        candidate = "arn:aws:iam::" + AwsStandIn.ACCOUNT + ":role/byoc-rotated-" + clusterId.toString().substring(0, 8);
    }

    /** The candidate trusts the platform with admin's issued external ID only, and gets the sandbox account's session. */
    void candidateTrustsThePlatform() {
        stub(Stubs.assumeRole(candidate).atPriority(SCENARIO).withRequestBody(containing("ExternalId=" + ADMIN_ID))
                .willReturn(Stubs.assumedRoleCredentials()));
    }

    String rotationRequested(Spec spec, String candidateRoleArn) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "candidateRoleArn": "%s", "requestedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), spec.owner(), spec.json(), candidateRoleArn,
                        Instant.now());
    }

    /** The spec as the registry publishes it after switching to {@code roleArn}: the old role kept as previousRoleArn. */
    static String switched(Spec spec, String previous) {
        return spec.json().replace("\"strict\":", "\"previousRoleArn\": \"" + previous + "\", \"strict\":");
    }

    String updatedAfterSwitch(Spec spec, String previous) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "changed": ["roleArn"], "updatedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), spec.owner(), switched(spec, previous), Instant.now());
    }

    String verifyRequested(Spec spec, String previous) {
        return """
                {"clusterId": "%s", "name": "c-%s", "owner": "%s", "spec": %s, "trigger": "user", "requestedAt": "%s"}"""
                .formatted(clusterId, clusterId.toString().substring(0, 8), spec.owner(), switched(spec, previous), Instant.now());
    }

    @Test
    void aBrokenCandidateIsAFailedRotationAndNothingAboutTheClustersLifecycle() {
        String cause = Outcome.send(Outcome.ROTATION_REQUESTED, clusterId, rotationRequested(Spec.sandbox(), candidate));
        Outcome outcome = Outcome.await(clusterId, cause);

        // no validation-started, no validation-failed: the cluster's status is not the candidate's to move
        assertThat(outcome.types()).containsExactly(Outcome.ROTATION_FAILED);
        assertThat(outcome.statuses()).containsExactly(
                checks("fail", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(outcome.data().path("roleArn").asText()).isEqualTo(candidate);
        assertThat(outcome.data().path("fromRoleArn").asText()).isEqualTo(OLD_ROLE);
        assertThat(outcome.data().path("reason").asText()).startsWith("rotation failed: assume-role: cannot assume " + candidate);
        assertThat(outcome.message("assume-role")).contains(ExternalIds.mask(ADMIN_ID));
        // trying again is another rotation, not a verify (which checks the role the cluster runs on)
        assertThat(outcome.remediation("assume-role")).contains("byoc edit cluster c-" + clusterId.toString().substring(0, 8)
                + " --role-arn " + candidate).doesNotContain("byoc clusters verify");
        // only the candidate was tried, never the role the cluster runs on
        assertThat(server().findAll(Stubs.assumeRoleRequests(candidate))).isNotEmpty();
        server().verify(0, Stubs.assumeRoleRequests(OLD_ROLE));
    }

    @Test
    void aGoodCandidateIsAValidatedRotationWithTheCandidatesReport() {
        candidateTrustsThePlatform();
        String cause = Outcome.send(Outcome.ROTATION_REQUESTED, clusterId, rotationRequested(Spec.sandbox(), candidate));
        Outcome outcome = Outcome.await(clusterId, cause);

        assertThat(outcome.types()).containsExactly(Outcome.ROTATION_VALIDATED);
        // the six checks of a validation, of the candidate; the old role is expected to work still, so no proof yet
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains(candidate);
        assertThat(outcome.data().path("roleArn").asText()).isEqualTo(candidate);
        assertThat(outcome.data().path("fromRoleArn").asText()).isEqualTo(OLD_ROLE);
        assertThat(outcome.data().has("reason")).isFalse();
        server().verify(0, Stubs.assumeRoleRequests(OLD_ROLE));
    }

    @Test
    void afterASwitchOldCredentialRevokedWarnsWhileTheOldRoleIsAssumableAndPassesOnceRefused() {
        candidateTrustsThePlatform();
        // strict: even then the old credential's warning does not block the cluster
        Spec onNewRole = Spec.sandbox().roleArn(candidate).strict(true);
        String updated = Outcome.send(Outcome.UPDATED, clusterId, updatedAfterSwitch(onNewRole, OLD_ROLE));
        Outcome stillTrusted = Outcome.await(clusterId, updated);

        assertThat(stillTrusted.result()).isEqualTo(Outcome.VALIDATED);
        List<String> expected = new ArrayList<>(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass"));
        expected.add("old-credential-revoked=warn");
        assertThat(stillTrusted.statuses()).containsExactlyElementsOf(expected);
        assertThat(stillTrusted.message("old-credential-revoked")).contains("can still assume the previous role " + OLD_ROLE)
                .contains(ExternalIds.mask(ADMIN_ID));
        assertThat(stillTrusted.remediation("old-credential-revoked")).contains("trust policy of " + OLD_ROLE)
                .contains(AwsStandIn.PLATFORM_PRINCIPAL_ARN);
        // the proof was asked of STS with the owner's issued ID, exactly once
        server().verify(1, Stubs.assumeRoleRequests(OLD_ROLE).withRequestBody(containing("ExternalId=" + ADMIN_ID)));

        // the customer removed the platform from the old role's trust policy
        stub(Stubs.assumeRole(OLD_ROLE).atPriority(SCENARIO).willReturn(Stubs.accessDenied()));
        String verify = Outcome.send("byoc.cluster.verify-requested.v1", clusterId, verifyRequested(onNewRole, OLD_ROLE));
        Outcome revoked = Outcome.await(clusterId, verify);

        assertThat(revoked.result()).isEqualTo(Outcome.VALIDATED);
        expected.set(expected.size() - 1, "old-credential-revoked=pass");
        assertThat(revoked.statuses()).containsExactlyElementsOf(expected);
        assertThat(revoked.message("old-credential-revoked")).contains("refused").contains(OLD_ROLE);
    }

    @Test
    void theProofDoesNotHideAFailingNewRole() {
        // the cluster moved to a role that broke since: its own checks fail, the old role's finding is still reported
        Spec onNewRole = Spec.sandbox().roleArn(candidate);
        String updated = Outcome.send(Outcome.UPDATED, clusterId, updatedAfterSwitch(onNewRole, OLD_ROLE));
        Outcome outcome = Outcome.await(clusterId, updated);

        assertThat(outcome.result()).isEqualTo(Outcome.FAILED);
        assertThat(outcome.statuses()).first().isEqualTo("assume-role=fail");
        assertThat(outcome.statuses()).last().isEqualTo("old-credential-revoked=warn");
        assertThat(outcome.data().path("reason").asText()).startsWith("validation failed: assume-role:");
    }
}
