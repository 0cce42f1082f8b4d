package dev.byoc.provisioner;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.byoc.provisioner.Outcome.TORN_DOWN;
import static dev.byoc.provisioner.Stubs.SCENARIO;
import static dev.byoc.provisioner.Stubs.server;
import static dev.byoc.provisioner.Stubs.stub;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.byoc.contracts.tenant.ExternalIds;
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Teardown on byoc.cluster.deleted.v2: removes the cluster's objects under byoc/&lt;clusterId&gt;/ (and
 * nothing of another cluster), lists everything left, and acts only with the owner's issued
 * external ID in an account whose trust policy requires it and that is not the platform's own.
 */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class TeardownTests {
    static final String DELETED = Outcome.DELETED;
    static final String BUCKET = AwsStandIn.BUCKET;
    static final String EKS_ARN = "arn:aws:eks:us-east-1:111122223333:cluster/demo-01";

    UUID clusterId;
    String prefix;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        clusterId = UUID.randomUUID();
        prefix = "byoc/" + clusterId + "/";
    }

    Outcome delete(Spec spec) {
        String cause = Outcome.send(DELETED, clusterId, spec.deleted(clusterId, false));
        Outcome outcome = Outcome.await(clusterId, cause);
        assertThat(outcome.types()).containsExactly(TORN_DOWN);
        assertThat(outcome.data().path("hint").asText()).contains("terraform destroy");
        return outcome;
    }

    static List<String> removed(Outcome outcome) {
        List<String> removed = new ArrayList<>();
        outcome.data().path("removed").forEach(n -> removed.add(n.asText()));
        return removed;
    }

    static List<String> leftBehind(Outcome outcome) {
        List<String> left = new ArrayList<>();
        outcome.data().path("leftBehind").forEach(n -> left.add(n.path("resource").asText()));
        return left;
    }

    static String reason(Outcome outcome, String resource) {
        for (JsonNode n : outcome.data().path("leftBehind")) {
            if (resource.equals(n.path("resource").asText())) {
                return n.path("reason").asText();
            }
        }
        throw new AssertionError("nothing left behind named " + resource);
    }

    static String listing(String prefix, boolean truncated, String token, String... keys) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name>"
                + "<Prefix>" + prefix + "</Prefix><KeyCount>" + keys.length + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>"
                + truncated + "</IsTruncated>");
        if (token != null) {
            xml.append("<NextContinuationToken>").append(token).append("</NextContinuationToken>");
        }
        for (String key : keys) {
            xml.append("<Contents><Key>").append(key).append("</Key><LastModified>2025-03-20T16:40:00.000Z</LastModified>")
                    .append("<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>12</Size>")
                    .append("<StorageClass>STANDARD</StorageClass></Contents>");
        }
        return xml.append("</ListBucketResult>").toString();
    }

    /** A ListObjectsV2 stub for one prefix (first page when {@code token} is null). */
    static void listed(String prefix, String token, String body) {
        var mapping = get(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("list-type", equalTo("2"))
                .withQueryParam("prefix", equalTo(prefix));
        stub((token == null ? mapping.withQueryParam("continuation-token", absent())
                : mapping.withQueryParam("continuation-token", equalTo(token))).willReturn(Stubs.s3Xml(200, body)));
    }

    static String deleteResult(String... deletedKeys) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        for (String key : deletedKeys) {
            xml.append("<Deleted><Key>").append(key).append("</Key></Deleted>");
        }
        return xml.append("</DeleteResult>").toString();
    }

    static List<LoggedRequest> deleteObjectsRequests() {
        return server().findAll(postRequestedFor(urlPathMatching("/" + BUCKET + "/?")).withQueryParam("delete", matching(".*")));
    }

    static List<LoggedRequest> listRequests() {
        return server().findAll(anyRequestedFor(urlPathMatching("/" + BUCKET + "/?")).withQueryParam("list-type", equalTo("2")));
    }

    @Test
    void teardownRemovesEveryObjectUnderTheClustersPrefixPageByPageAndListsWhatIsLeft() {
        // two pages of objects under byoc/<clusterId>/; S3 refuses to delete one of them
        listed(prefix, null, listing(prefix, true, "page-2", prefix + "a.json", prefix + "runs/1/log.txt"));
        listed(prefix, "page-2", listing(prefix, false, null, prefix + "runs/2/log.txt"));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .withRequestBody(containing("<Key>" + prefix + "a.json</Key>"))
                .willReturn(Stubs.s3Xml(200, deleteResult(prefix + "a.json", prefix + "runs/1/log.txt"))));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .withRequestBody(containing("<Key>" + prefix + "runs/2/log.txt</Key>"))
                .willReturn(Stubs.s3Xml(200, """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>%sruns/2/log.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>"""
                        .formatted(prefix))));

        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).containsExactly("s3://" + BUCKET + "/" + prefix + "a.json",
                "s3://" + BUCKET + "/" + prefix + "runs/1/log.txt");
        assertThat(leftBehind(outcome)).containsExactly("s3://" + BUCKET + "/" + prefix + "runs/2/log.txt", EKS_ARN,
                "s3://" + BUCKET, AwsStandIn.ROLE_ARN);
        assertThat(reason(outcome, "s3://" + BUCKET + "/" + prefix + "runs/2/log.txt")).contains("AccessDenied");
        assertThat(reason(outcome, AwsStandIn.ROLE_ARN)).contains("Terraform");
        assertThat(deleteObjectsRequests()).hasSize(2);
        server().verify(postRequestedFor(urlPathMatching("/" + BUCKET + "/?"))
                .withRequestBody(containing("<Key>" + prefix + "runs/1/log.txt</Key>")));
        // only the cluster's own prefix is ever listed; assumed with admin's issued ID
        assertThat(listRequests()).hasSize(2)
                .allSatisfy(r -> assertThat(r.queryParameter("prefix").firstValue()).isEqualTo(prefix));
        server().verify(1, Stubs.assumeRoleWith(AwsStandIn.externalIdOf(AwsStandIn.OWNER)));
    }

    @Test
    void twoClustersSharingABucketKeepEachOthersObjects() {
        UUID neighbour = UUID.randomUUID();
        String theirs = "byoc/" + neighbour + "/";
        // the bucket holds objects of both clusters; a listing of byoc/ would show both
        listed(prefix, null, listing(prefix, false, null, prefix + "data.json", prefix + "runs/1/log.txt"));
        listed(theirs, null, listing(theirs, false, null, theirs + "data.json", theirs + "runs/9/log.txt"));
        listed("byoc/", null, listing("byoc/", false, null, prefix + "data.json", prefix + "runs/1/log.txt",
                theirs + "data.json", theirs + "runs/9/log.txt"));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .willReturn(Stubs.s3Xml(200, deleteResult(prefix + "data.json", prefix + "runs/1/log.txt"))));

        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).containsExactly("s3://" + BUCKET + "/" + prefix + "data.json",
                "s3://" + BUCKET + "/" + prefix + "runs/1/log.txt");
        assertThat(listRequests()).hasSize(1)
                .allSatisfy(r -> assertThat(r.queryParameter("prefix").firstValue()).isEqualTo(prefix));
        // what was asked to be deleted: this cluster's keys, and none of the neighbour's
        assertThat(deleteObjectsRequests()).hasSize(1).allSatisfy(r -> assertThat(r.getBodyAsString())
                .contains("<Key>" + prefix + "data.json</Key>").contains("<Key>" + prefix + "runs/1/log.txt</Key>")
                .doesNotContain(theirs));
        // and no request at all on one of the neighbour's objects
        assertThat(server().findAll(anyRequestedFor(urlPathMatching("/" + BUCKET + "/" + theirs + ".*")))).isEmpty();
    }

    @Test
    void teardownOfAnEmptyPrefixRemovesNothingAndListsWhatThePlatformNeverTouches() {
        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).isEmpty();
        assertThat(leftBehind(outcome)).containsExactly(EKS_ARN, "s3://" + BUCKET, AwsStandIn.ROLE_ARN);
        assertThat(deleteObjectsRequests()).isEmpty();
        assertThat(listRequests()).extracting(r -> r.queryParameter("prefix").firstValue()).containsExactly(prefix);
    }

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    /**
     * STS throttling the platform is the platform's trouble, not a finding about the customer's
     * account: while it lasts nothing is reported (no "could not remove its objects" for an
     * account that is fine), the operators' metric rises, and the teardown runs again until it works.
     */
    @Test
    void thePlatformsOwnStsTroubleDuringTeardownIsRetriedNeverReportedAsLeftBehind() {
        var throttled = server().stubFor(Stubs.assumeRole().atPriority(SCENARIO)
                .willReturn(Stubs.stsError(400, "Throttling", "Rate exceeded")));
        String cause = Outcome.send(DELETED, clusterId, Spec.sandbox().deleted(clusterId, false));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(40)).until(() -> io.restassured.RestAssured
                .given().get(metrics).asString().lines().anyMatch(l -> l.startsWith("byoc_platform_faults_total")
                        && l.contains("code=\"Throttling\"") && !l.endsWith(" 0.0")));
        var said = dev.byoc.testsupport.KafkaTestClient.shared().read(Outcome.EVENTS, r -> clusterId.toString().equals(r.key())
                && !DELETED.equals(dev.byoc.testsupport.KafkaTestClient.header(r, "ce_type")), found -> false,
                java.time.Duration.ofSeconds(3));
        assertThat(said).as("nothing said about the cluster while STS throttles the platform").isEmpty();
        assertThat(listRequests()).as("no S3 call without credentials").isEmpty();

        server().removeStub(throttled);
        Outcome outcome = Outcome.await(clusterId, cause, 1, java.time.Duration.ofSeconds(60));
        assertThat(outcome.types()).containsExactly(TORN_DOWN);
        assertThat(leftBehind(outcome)).as("only what the platform never touches").containsExactly(EKS_ARN, "s3://" + BUCKET,
                AwsStandIn.ROLE_ARN);
    }

    @Test
    void teardownCompletesWhenTheRoleIsGoneWithEverythingListedAsLeftBehind() {
        stub(Stubs.assumeRole().atPriority(SCENARIO).willReturn(Stubs.accessDenied()));

        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).isEmpty();
        assertThat(leftBehind(outcome)).containsExactly("s3://" + BUCKET + "/" + prefix + "*", EKS_ARN, "s3://" + BUCKET,
                AwsStandIn.ROLE_ARN);
        assertThat(reason(outcome, "s3://" + BUCKET + "/" + prefix + "*")).contains("can no longer be assumed")
                .contains("AccessDenied").contains("aws s3 rm s3://" + BUCKET + "/" + prefix + " --recursive");
        server().verify(0, anyRequestedFor(urlPathMatching("/" + BUCKET + "(/.*)?")));
    }

    @Test
    void teardownWithUserBsIssuedIdAgainstUserAsRoleCannotAssumeItAndMakesNoS3Call() {
        Outcome outcome = delete(Spec.sandbox().owner(AwsStandIn.SECOND_OWNER));

        String bobs = AwsStandIn.externalIdOf(AwsStandIn.SECOND_OWNER);
        assertThat(removed(outcome)).isEmpty();
        assertThat(leftBehind(outcome)).containsExactly("s3://" + BUCKET + "/" + prefix + "*", EKS_ARN, "s3://" + BUCKET,
                AwsStandIn.ROLE_ARN);
        assertThat(reason(outcome, "s3://" + BUCKET + "/" + prefix + "*")).contains("can no longer be assumed with external ID "
                + ExternalIds.mask(bobs)).contains("AccessDenied");
        server().verify(1, Stubs.assumeRoleWith(bobs));
        server().verify(0, Stubs.assumeRoleWith(AwsStandIn.externalIdOf(AwsStandIn.OWNER)));
        assertThat(server().findAll(Stubs.bucketRequests(BUCKET))).isEmpty();
        assertThat(server().findAll(Stubs.signedWithTheAssumedRole())).isEmpty();
    }

    @Test
    void teardownNeverActsInAnAccountWhoseTrustPolicyIsOpenToAnyCaller() {
        // the role's trust policy was opened after validation (or never required the external ID)
        String open = Stubs.openRole(clusterId);
        listed(prefix, null, listing(prefix, false, null, prefix + "data.json"));

        Outcome outcome = delete(Spec.sandbox().roleArn(open));

        String prefixUri = "s3://" + BUCKET + "/" + prefix + "*";
        assertThat(removed(outcome)).isEmpty();
        assertThat(leftBehind(outcome)).containsExactly(prefixUri, EKS_ARN, "s3://" + BUCKET, open);
        assertThat(reason(outcome, prefixUri)).contains("the trust policy is open to any caller; the platform does not act "
                + "in this account until it requires the external ID").contains("can be assumed without an external ID")
                .contains("aws s3 rm s3://" + BUCKET + "/" + prefix + " --recursive").contains("sts:ExternalId");
        // assumed with the issued ID, then the probe without one succeeded: nothing else happened
        assertThat(server().findAll(Stubs.assumeRoleRequests(open))).hasSize(2);
        server().verify(1, Stubs.assumeRoleRequests(open).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                .notContaining("ExternalId=")));
        assertThat(server().findAll(Stubs.bucketRequests(BUCKET))).isEmpty();
        assertThat(server().findAll(Stubs.signedWithTheAssumedRole())).isEmpty();
    }

    @Test
    void teardownNeverActsWhenOnlyAWrongExternalIdIsAccepted() {
        stub(Stubs.assumeRole().atPriority(SCENARIO).withRequestBody(containing("ExternalId=byoc-wrong-"))
                .willReturn(Stubs.assumedRoleCredentials()));

        Outcome outcome = delete(Spec.sandbox());

        assertThat(reason(outcome, "s3://" + BUCKET + "/" + prefix + "*")).contains("open to any caller")
                .contains("with a wrong external ID");
        assertThat(server().findAll(Stubs.bucketRequests(BUCKET))).isEmpty();
    }

    @Test
    void teardownNeverAssumesARoleInThePlatformsOwnAccount() {
        String role = "arn:aws:iam::" + AwsStandIn.PLATFORM_ACCOUNT + ":role/byoc-platform-admin";
        stub(Stubs.assumeRole(role).atPriority(SCENARIO).willReturn(Stubs.assumedRoleCredentials()));

        Outcome outcome = delete(Spec.sandbox().roleArn(role));

        String prefixUri = "s3://" + BUCKET + "/" + prefix + "*";
        assertThat(leftBehind(outcome)).containsExactly(prefixUri, "arn:aws:eks:us-east-1:999999999999:cluster/demo-01",
                "s3://" + BUCKET, role);
        assertThat(reason(outcome, prefixUri)).contains("platform's own AWS account " + AwsStandIn.PLATFORM_ACCOUNT)
                .contains("did not assume it");
        server().verify(0, Stubs.assumeRoleRequests());
        assertThat(server().findAll(Stubs.bucketRequests(BUCKET))).isEmpty();
    }
}
