package dev.byoc.provisioner;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.byoc.provisioner.Outcome.FAILED;
import static dev.byoc.provisioner.Outcome.VALIDATED;
import static dev.byoc.provisioner.Outcome.checks;
import static dev.byoc.provisioner.Stubs.SCENARIO;
import static dev.byoc.provisioner.Stubs.server;
import static dev.byoc.provisioner.Stubs.stub;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.provisioner.aws.PlatformIdentity;
import dev.byoc.provisioner.validation.AccessValidator;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seven checks of DESIGN §6 through the real service: a requested event produced by a plain
 * producer, the real AWS SDK against the WireMock stand-in (sandbox account plus one scenario stub
 * per test), and the answer read back from byoc.cluster-events with every check's exact status.
 * The tenant boundary: the role is assumed with the owner's issued external ID only, never in the
 * platform's own account, and nothing is done in an account whose trust policy is open.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class ValidationTests {
    static final String ROLE = AwsStandIn.ROLE_ARN;
    static final String PLATFORM_PRINCIPAL = AwsStandIn.PLATFORM_PRINCIPAL_ARN;
    static final String ADMIN_ID = AwsStandIn.externalIdOf(AwsStandIn.OWNER);
    static final String BOB_ID = AwsStandIn.externalIdOf(AwsStandIn.SECOND_OWNER);

    UUID clusterId;

    @Inject
    PlatformIdentity platformIdentity;

    // relative to the management root path (/q): this is /q/metrics on the management port
    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        Stubs.quotasAtRecommendations();
        clusterId = UUID.randomUUID();
        platformIdentity.forgetCallerIdentity();
    }

    @AfterEach
    void forgetScenarioIdentity() {
        // a test may have given the platform's credentials another account: the next one learns the sandbox's again
        platformIdentity.forgetCallerIdentity();
    }

    Outcome validate(Spec spec) {
        String cause = Outcome.request(clusterId, spec);
        return Outcome.await(clusterId, cause);
    }

    /** The confused-deputy stops: no call at all with the assumed credentials, so no S3 probe and no quota read. */
    static void assertNothingDoneInTheAccount() {
        assertThat(server().findAll(Stubs.signedWithTheAssumedRole())).extracting(LoggedRequest::getUrl).isEmpty();
        assertThat(server().findAll(Stubs.bucketRequests(AwsStandIn.BUCKET))).extracting(LoggedRequest::getUrl).isEmpty();
        server().verify(0, Stubs.quotaRequests());
    }

    /** The five checks after external-id-enforced, skipped because the trust policy is open. */
    static void assertSkippedForAnOpenTrustPolicy(Outcome outcome, String roleArn) {
        for (String id : new String[] {"account-matches", "eks-cluster", "kubernetes-api", "s3-bucket", "quotas"}) {
            assertThat(outcome.message(id)).isEqualTo("the trust policy is open to any caller; the platform does not act "
                    + "in this account until it requires the external ID");
            assertThat(outcome.remediation(id)).contains("sts:ExternalId").contains(roleArn);
        }
        assertThat(outcome.data().path("reason").asText()).startsWith("validation failed: external-id-enforced:");
    }

    @Test
    void happyPathPassesEveryCheckAndTouchesOnlyTheByocPrefix() {
        Outcome outcome = validate(Spec.sandbox().instanceTypes("m5.xlarge", "g4dn.xlarge"));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains(ROLE).contains("with external ID " + ExternalIds.mask(ADMIN_ID))
                .contains("issued to admin").doesNotContain("attempts");
        assertThat(outcome.message("external-id-enforced")).contains("refused without the external ID and with a wrong one");
        assertThat(outcome.message("account-matches")).contains("111122223333");
        assertThat(outcome.message("eks-cluster")).isEqualTo("EKS cluster demo-01 in us-east-1 is ACTIVE");
        assertThat(outcome.message("s3-bucket")).contains("byoc-demo-01-bucket is in us-east-1, owned by 111122223333");
        // g4dn asks for the G/VT quota; nothing asked for P
        assertThat(outcome.message("quotas")).contains("L-DB2E81BA=64").doesNotContain("L-417A185B");
        assertThat(outcome.data().has("reason")).isFalse();
        assertThat(outcome.data().path("checks")).allSatisfy(c -> assertThat(c.has("remediation")).isTrue());

        assertThat(outcome.message("s3-bucket")).contains("under byoc/" + clusterId + "/");
        // the role was assumed with admin's issued ID: the sandbox's trust policy accepts no other
        server().verify(1, Stubs.assumeRoleWith(ADMIN_ID));

        // the probe object is written and removed under the cluster's own prefix, and nothing else is touched
        String probe = "/byoc-demo-01-bucket/byoc/" + clusterId + "/\\.probe";
        server().verify(1, putRequestedFor(urlPathMatching(probe)));
        server().verify(1, deleteRequestedFor(urlPathMatching(probe)));
        assertThat(server().findAll(anyRequestedFor(urlPathMatching("/byoc-demo-01-bucket/.+"))))
                .extracting(LoggedRequest::getUrl).hasSize(2)
                .allSatisfy(url -> assertThat(url).startsWith("/byoc-demo-01-bucket/byoc/" + clusterId + "/"));
        server().verify(0, Stubs.postQuota("L-417A185B"));
        server().verify(1, Stubs.postQuota("L-DB2E81BA"));

        given().get(metrics).then().statusCode(200)
                .body(containsString("byoc_provisioner_checks_total{check=\"assume-role\",status=\"pass\"}"))
                .body(containsString("byoc_provisioner_validation_seconds_count{result=\"validated\"}"))
                .body(containsString("byoc_provisioner_work_pending"));
    }

    @Test
    void userBRegisteringUserAsRoleFailsAssumeRoleWithBsIssuedIdAndNothingIsDoneInAsAccount() {
        Outcome outcome = validate(Spec.sandbox().owner(AwsStandIn.SECOND_OWNER));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(outcome.statuses()).containsExactly(
                checks("fail", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains("cannot assume " + ROLE + " with external ID " + ExternalIds.mask(BOB_ID))
                .contains("AccessDenied").contains("attempts over");
        assertThat(outcome.remediation("assume-role")).contains(PLATFORM_PRINCIPAL).contains("sts:ExternalId").contains(ROLE)
                .contains("yours ends " + ExternalIds.mask(BOB_ID)).contains("byoc clusters prerequisites");
        assertThat(outcome.message("quotas")).contains("assume-role failed");
        assertThat(outcome.data().path("reason").asText()).startsWith("validation failed: assume-role: cannot assume");
        // AccessDenied is retried (IAM may still be propagating), then given up; only ever with B's issued ID
        assertThat(server().findAll(Stubs.assumeRoleWith(BOB_ID))).hasSizeGreaterThan(1);
        server().verify(0, Stubs.assumeRoleWith(ADMIN_ID));
        assertNothingDoneInTheAccount();
    }

    @Test
    void userBsOwnRoleIsValidatedWithBsIssuedId() {
        Outcome outcome = validate(Spec.sandbox().owner(AwsStandIn.SECOND_OWNER).roleArn(AwsStandIn.SECOND_ROLE_ARN)
                .bucket(AwsStandIn.SECOND_BUCKET));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains(AwsStandIn.SECOND_ROLE_ARN).contains(ExternalIds.mask(BOB_ID));
        assertThat(outcome.message("account-matches")).contains(AwsStandIn.SECOND_ACCOUNT);
        server().verify(1, Stubs.assumeRoleWith(BOB_ID));
        server().verify(0, Stubs.assumeRoleWith(ADMIN_ID));
        server().verify(1, putRequestedFor(urlPathMatching("/" + AwsStandIn.SECOND_BUCKET + "/byoc/" + clusterId + "/\\.probe")));
    }

    @Test
    void trustPolicyWithoutTheExternalIdConditionFailsTheConfusedDeputyCheck() {
        Stubs.trustPolicyWithoutExternalId();
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(outcome.statuses()).containsExactly(
                checks("pass", "fail", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(outcome.message("external-id-enforced")).contains("can be assumed without an external ID")
                .contains("confused deputy");
        assertThat(outcome.remediation("external-id-enforced")).contains("sts:ExternalId").contains(ROLE);
        assertSkippedForAnOpenTrustPolicy(outcome, ROLE);
        assertNothingDoneInTheAccount();
    }

    @Test
    void trustPolicyAcceptingAnyExternalIdFailsTheConfusedDeputyCheck() {
        stub(Stubs.assumeRole().atPriority(SCENARIO).withRequestBody(containing("ExternalId=byoc-wrong-"))
                .willReturn(Stubs.assumedRoleCredentials()));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(
                checks("pass", "fail", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(outcome.message("external-id-enforced")).contains("with a wrong external ID");
        assertThat(outcome.result()).isEqualTo(FAILED);
        assertSkippedForAnOpenTrustPolicy(outcome, ROLE);
        assertNothingDoneInTheAccount();
    }

    @Test
    void aRoleAssumableWithAnyOrNoExternalIdEndsFailedAndThePlatformDoesNothingInItsAccount() {
        String open = Stubs.openRole(clusterId);
        Outcome outcome = validate(Spec.sandbox().roleArn(open));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(outcome.statuses()).containsExactly(
                checks("pass", "fail", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(outcome.message("external-id-enforced")).contains("can be assumed without an external ID");
        assertSkippedForAnOpenTrustPolicy(outcome, open);
        // assumed once with the issued ID and once without (the probe that found it open), and that is all
        assertThat(server().findAll(Stubs.assumeRoleRequests(open))).hasSize(2);
        assertNothingDoneInTheAccount();
        assertThat(server().findAll(anyRequestedFor(urlPathMatching("/byoc-.*")))).isEmpty();
    }

    @Test
    void aRoleAssumableOnlyAfterThreeAccessDeniedPassesThanksToTheRetry() {
        String scenario = "iam-propagation-" + clusterId;
        String[] states = {STARTED, "denied-1", "denied-2", "denied-3"};
        for (int i = 0; i < 3; i++) {
            stub(Stubs.assumeRole().atPriority(SCENARIO).inScenario(scenario).whenScenarioStateIs(states[i])
                    .withRequestBody(containing("ExternalId=" + ADMIN_ID))
                    .withRequestBody(containing("RoleSessionName=byoc-" + clusterId))
                    .willReturn(Stubs.accessDenied()).willSetStateTo(states[i + 1]));
        }
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains("after 4 attempts").contains("propagating");
        assertThat(server().findAll(Stubs.assumeRoleWith(ADMIN_ID))).hasSize(4);
    }

    @Test
    void aLegacyV1RequestIsValidatedWithTheOwnersIssuedIdAndNotTheOneItCarries() {
        String carried = "customer-chosen-external-id-4242";
        String cause = Outcome.send(Outcome.REQUESTED_V1, clusterId, Spec.sandbox().requested(clusterId, carried));
        Outcome outcome = Outcome.await(clusterId, cause);

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains(ExternalIds.mask(ADMIN_ID)).doesNotContain("4242");
        server().verify(1, Stubs.assumeRoleWith(ADMIN_ID));
        server().verify(0, Stubs.assumeRoleWith(carried));
        assertThat(outcome.records()).allSatisfy(r -> assertThat(r.value()).doesNotContain(carried));
    }

    @Test
    void aLegacyV1RecordCarryingUserAsIdUnderUserBIsAssumedWithBsIdOnly() {
        // a v1 record on the log holds A's real external ID, but the cluster belongs to B: the ID it carries buys nothing
        String cause = Outcome.send(Outcome.REQUESTED_V1, clusterId,
                Spec.sandbox().owner(AwsStandIn.SECOND_OWNER).requested(clusterId, ADMIN_ID));
        Outcome outcome = Outcome.await(clusterId, cause);

        assertThat(outcome.result()).isEqualTo(FAILED);
        assertThat(outcome.statuses()).containsExactly(
                checks("fail", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        server().verify(0, Stubs.assumeRoleWith(ADMIN_ID));
        assertThat(server().findAll(Stubs.assumeRoleWith(BOB_ID))).isNotEmpty();
        assertNothingDoneInTheAccount();
    }

    @ParameterizedTest
    @ValueSource(strings = {AwsStandIn.PLATFORM_ACCOUNT, "777777777777"})
    void aRoleInThePlatformsOwnAccountIsRefusedAndNeverAssumed(String platformAccount) {
        // 999999999999: the account of byoc.aws.platform-principal-arn (and of the sandbox's platform credentials);
        // 777777777777: listed in byoc.aws.platform-account-ids (%test)
        String role = "arn:aws:iam::" + platformAccount + ":role/byoc-platform-admin";
        stub(Stubs.assumeRole(role).atPriority(SCENARIO).willReturn(Stubs.assumedRoleCredentials()));
        Outcome outcome = validate(Spec.sandbox().roleArn(role));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(outcome.statuses()).containsExactly(
                checks("fail", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(outcome.message("assume-role")).contains(role).contains("platform's own AWS account " + platformAccount)
                .contains("never assumes");
        assertThat(outcome.remediation("assume-role")).contains("your own AWS account");
        assertThat(outcome.message("s3-bucket")).contains("did not assume the role");
        server().verify(0, Stubs.assumeRoleRequests(role));
        server().verify(0, Stubs.assumeRoleRequests());
        assertNothingDoneInTheAccount();
    }

    @Test
    void theAccountOfThePlatformsCredentialsIsRefusedToo() {
        // the platform's credentials turn out to live in 121212121212, which no setting names
        stub(Stubs.platformCallerIdentity().atPriority(SCENARIO)
                .willReturn(Stubs.callerIdentityOf("arn:aws:iam::121212121212:user/byoc-platform", "121212121212")));
        String role = "arn:aws:iam::121212121212:role/byoc-platform-admin";
        stub(Stubs.assumeRole(role).atPriority(SCENARIO).willReturn(Stubs.assumedRoleCredentials()));
        Outcome refused = validate(Spec.sandbox().roleArn(role));

        assertThat(refused.statuses()).containsExactly(
                checks("fail", "skipped", "skipped", "skipped", "skipped", "skipped", "skipped").toArray(String[]::new));
        assertThat(refused.message("assume-role")).contains("platform's own AWS account 121212121212");
        server().verify(0, Stubs.assumeRoleRequests(role));

        // the configured principal's account stays refused while the credentials are elsewhere
        clusterId = UUID.randomUUID();
        String principalsAccount = "arn:aws:iam::" + AwsStandIn.PLATFORM_ACCOUNT + ":role/byoc-platform-admin";
        assertThat(validate(Spec.sandbox().roleArn(principalsAccount)).message("assume-role"))
                .contains("platform's own AWS account " + AwsStandIn.PLATFORM_ACCOUNT);
        // the caller identity was asked once and cached
        server().verify(1, Stubs.platformCallerIdentityRequests());
        assertNothingDoneInTheAccount();
    }

    /**
     * The platform's own credentials refused (or STS throttling it past the SDK's retries) is the
     * platform's trouble, not the customer's: nothing is assumed, no report is published — the
     * cluster is not failed — operators see byoc_platform_faults_total, and the validation runs
     * again until STS answers, then completes.
     */
    @Test
    void thePlatformsOwnStsTroubleNeverFailsTheClusterAndValidationResumes() {
        for (String[] fault : new String[][] {{"403", "InvalidClientTokenId", "The security token included in the request is invalid."},
                {"400", "Throttling", "Rate exceeded"}}) {
            clusterId = UUID.randomUUID();
            platformIdentity.forgetCallerIdentity();
            server().resetRequests(); // the journal of the round before
            var stub = server().stubFor(Stubs.platformCallerIdentity().atPriority(SCENARIO).willReturn(Stubs.stsError(
                    Integer.parseInt(fault[0]), fault[1], fault[2])));
            String cause = Outcome.request(clusterId, Spec.sandbox());
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).until(() ->
                    given().get(metrics).asString().lines().anyMatch(l -> l.startsWith("byoc_platform_faults_total")
                            && l.contains("code=\"" + fault[1] + "\"") && !l.endsWith(" 0.0")));
            java.util.List<String> said = dev.byoc.testsupport.KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key()),
                    found -> false, java.time.Duration.ofSeconds(3)).stream().map(Outcome::type).toList();
            assertThat(said).as(fault[1]).doesNotContain(FAILED, VALIDATED);
            server().verify(0, Stubs.assumeRoleRequests());
            assertNothingDoneInTheAccount();

            server().removeStub(stub);
            Outcome outcome = Outcome.await(clusterId, cause, 1, java.time.Duration.ofSeconds(60));
            assertThat(outcome.result()).as(fault[1]).isEqualTo(VALIDATED);
        }
    }

    @Test
    void aMissingEksClusterFailsWithTheNameAndRegionTried() {
        Outcome outcome = validate(Spec.sandbox().eksClusterName("missing-01"));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "fail", "skipped", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("eks-cluster")).contains("no EKS cluster missing-01 in us-east-1");
        assertThat(outcome.remediation("eks-cluster")).contains("eks_cluster_name");
    }

    @Test
    void aFailedEksClusterFails() {
        stub(Stubs.describeCluster("demo-01").atPriority(SCENARIO).willReturn(Stubs.eksCluster("demo-01", "FAILED")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "fail", "skipped", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("eks-cluster")).isEqualTo("EKS cluster demo-01 in us-east-1 is FAILED");
        assertThat(outcome.result()).isEqualTo(FAILED);
    }

    @Test
    void aCreatingEksClusterPassesWithANote() {
        stub(Stubs.describeCluster("demo-01").atPriority(SCENARIO).willReturn(Stubs.eksCluster("demo-01", "CREATING")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "skipped", "pass", "pass").toArray(String[]::new));
        assertThat(outcome.message("eks-cluster")).contains("is CREATING").contains("once EKS reports it ACTIVE");
        // a cluster being created has no API server yet (EKS names no endpoint): nothing to call
        assertThat(outcome.message("kubernetes-api")).contains("CREATING");
    }

    @Test
    void aBucketInAnotherRegionFailsOnTheRedirectS3Answers() {
        // what S3 answers a regional HeadBucket for a bucket elsewhere: 301, no body, the region in a header
        stub(Stubs.headBucket().atPriority(SCENARIO).willReturn(aResponse().withStatus(301)
                .withHeader("x-amz-bucket-region", "eu-west-1").withHeader("Content-Type", "application/xml")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "fail", "pass").toArray(String[]::new));
        assertThat(outcome.message("s3-bucket")).contains("bucket byoc-demo-01-bucket is in eu-west-1, the cluster in us-east-1");
        assertThat(outcome.remediation("s3-bucket")).contains("use a bucket in us-east-1");
        server().verify(0, putRequestedFor(urlPathMatching("/byoc-demo-01-bucket/.*")));
    }

    @Test
    void aBucketInAnotherRegionFailsOnItsLocation() {
        stub(Stubs.bucketLocation().atPriority(SCENARIO).willReturn(Stubs.s3Xml(200, """
                <?xml version="1.0" encoding="UTF-8"?>
                <LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-central-1</LocationConstraint>""")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "fail", "pass").toArray(String[]::new));
        assertThat(outcome.message("s3-bucket")).isEqualTo("bucket byoc-demo-01-bucket is in eu-central-1, the cluster in us-east-1");
    }

    @Test
    void aBucketOfAnotherOwnerFailsOnHeadBucket403() {
        // ExpectedBucketOwner does not match the real owner: S3 answers 403 without a body
        stub(Stubs.headBucket().atPriority(SCENARIO).withHeader("x-amz-expected-bucket-owner", equalTo("111122223333"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/xml")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "fail", "pass").toArray(String[]::new));
        assertThat(outcome.message("s3-bucket")).contains("refused s3:HeadBucket with ExpectedBucketOwner 111122223333 (HTTP 403)")
                .contains("another account");
        assertThat(outcome.remediation("s3-bucket")).contains("owned by account 111122223333");
        server().verify(1, headRequestedFor(urlPathMatching("/byoc-demo-01-bucket/?")));
    }

    @Test
    void quotasBelowTheRecommendationWarnAndTheClusterIsStillValidated() {
        Stubs.quota(SCENARIO, "autoscaling", "L-CDE20ADC", 200);
        Stubs.quota(SCENARIO, "ec2", "L-1216C47A", 256);
        Stubs.quota(SCENARIO, "ec2", "L-417A185B", 0);
        Outcome outcome = validate(Spec.sandbox().instanceTypes("m5.xlarge", "p3.2xlarge"));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "warn").toArray(String[]::new));
        assertThat(outcome.message("quotas")).contains("Auto Scaling groups per region (autoscaling L-CDE20ADC) is 200, recommended 800")
                .contains("(ec2 L-1216C47A) is 256, recommended 1000").contains("(ec2 L-417A185B) is 0, recommended 64")
                .doesNotContain("L-34B43A08");
        assertThat(outcome.remediation("quotas"))
                .contains("https://us-east-1.console.aws.amazon.com/servicequotas/home/services/autoscaling/quotas/L-CDE20ADC")
                .contains("https://us-east-1.console.aws.amazon.com/servicequotas/home/services/ec2/quotas/L-1216C47A");
    }

    @Test
    void strictModePromotesAQuotaWarningToAFailure() {
        Stubs.quota(SCENARIO, "ec2", "L-34B43A08", 8);
        Outcome outcome = validate(Spec.sandbox().strict(true));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, FAILED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "warn").toArray(String[]::new));
        assertThat(outcome.data().path("reason").asText()).startsWith("validation failed: quotas:").contains("L-34B43A08");
    }

    @Test
    void theLegacyLaunchConfigurationQuotaOnlyEverWarnsEvenInStrictMode() {
        Stubs.quota(SCENARIO, "autoscaling", "L-6B80B8FA", 200);
        Outcome outcome = validate(Spec.sandbox().strict(true));

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "warn").toArray(String[]::new));
        assertThat(outcome.message("quotas")).contains("L-6B80B8FA) is 200, recommended 600").contains("legacy");
    }

    @Test
    void quotaApiAccessDeniedSkipsTheQuotaCheckWithThePolicyThatEnablesIt() {
        stub(Stubs.getServiceQuota().atPriority(SCENARIO).willReturn(Stubs.jsonError(400, "AccessDeniedException",
                "User: arn:aws:sts::111122223333:assumed-role/byoc-demo-01/byoc is not authorized to perform: servicequotas:GetServiceQuota")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "skipped").toArray(String[]::new));
        assertThat(outcome.message("quotas")).contains("may not read Service Quotas").contains("AccessDeniedException");
        assertThat(outcome.remediation("quotas"))
                .contains("{\"Effect\": \"Allow\", \"Action\": \"servicequotas:GetServiceQuota\", \"Resource\": \"*\"}");
        // one denial is enough: the other quotas are not asked for
        server().verify(1, Stubs.quotaRequests());
    }

    @Test
    void anUnknownQuotaSkipsTheQuotaCheck() {
        stub(Stubs.getServiceQuota().atPriority(SCENARIO).withRequestBody(matchingJsonPath("$.QuotaCode", equalTo("L-34B43A08")))
                .willReturn(Stubs.jsonError(400, "NoSuchResourceException", "The request failed because the specified service quota does not exist.")));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "skipped").toArray(String[]::new));
        assertThat(outcome.message("quotas")).contains("could not read").contains("L-34B43A08").contains("NoSuchResourceException");
        assertThat(outcome.result()).isEqualTo(VALIDATED);
    }

    @Test
    void throttlingAndA503AreRetriedByTheSdkAndTheChecksPass() {
        String scenario = "throttle-" + clusterId;
        stub(Stubs.callerIdentity().atPriority(SCENARIO).inScenario(scenario).whenScenarioStateIs(STARTED)
                .willReturn(Stubs.stsError(400, "Throttling", "Rate exceeded")).willSetStateTo("throttled-once"));
        stub(Stubs.callerIdentity().atPriority(SCENARIO).inScenario(scenario).whenScenarioStateIs("throttled-once")
                .willReturn(Stubs.stsError(400, "Throttling", "Rate exceeded")).willSetStateTo("throttled-twice"));
        stub(Stubs.headBucket().atPriority(SCENARIO).inScenario("slow-down-" + clusterId).whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/xml")).willSetStateTo("answered"));
        Outcome outcome = validate(Spec.sandbox());

        assertThat(outcome.types()).containsExactly(Outcome.STARTED, VALIDATED);
        assertThat(outcome.statuses()).containsExactly(checks("pass", "pass", "pass", "pass", "pass", "pass", "pass").toArray(String[]::new));
        server().verify(3, Stubs.callerIdentityWithAssumedRole());
        server().verify(2, headRequestedFor(urlPathMatching("/byoc-demo-01-bucket/?")));
    }
}
