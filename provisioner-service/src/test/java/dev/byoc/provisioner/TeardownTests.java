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
import dev.byoc.testsupport.AwsResource;
import dev.byoc.testsupport.AwsStandIn;
import dev.byoc.testsupport.KafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Teardown on byoc.cluster.deleted.v1: removes the platform's objects under byoc/, lists everything left. */
@QuarkusTest
@WithTestResource(KafkaResource.class)
@WithTestResource(AwsResource.class)
class TeardownTests {
    static final String DELETED = "byoc.cluster.deleted.v1";
    static final String BUCKET = AwsStandIn.BUCKET;
    static final String EKS_ARN = "arn:aws:eks:us-east-1:111122223333:cluster/demo-01";

    UUID clusterId;

    @BeforeEach
    void sandbox() {
        AwsStandIn.shared().reset();
        clusterId = UUID.randomUUID();
    }

    Outcome delete(Spec spec) {
        String cause = Outcome.send(DELETED, clusterId, spec.deleted(clusterId, false));
        Outcome outcome = Outcome.await(clusterId, cause, spec.externalId());
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

    static String listing(boolean truncated, String token, String... keys) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + BUCKET + "</Name>"
                + "<Prefix>byoc/</Prefix><KeyCount>" + keys.length + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>"
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

    @Test
    void teardownRemovesEveryObjectUnderTheByocPrefixPageByPageAndListsWhatIsLeft() {
        // two pages of objects under byoc/; S3 refuses to delete one of them
        stub(get(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("list-type", equalTo("2"))
                .withQueryParam("prefix", equalTo("byoc/")).withQueryParam("continuation-token", absent())
                .willReturn(Stubs.s3Xml(200, listing(true, "page-2", "byoc/a.json", "byoc/runs/1/log.txt"))));
        stub(get(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("list-type", equalTo("2"))
                .withQueryParam("prefix", equalTo("byoc/")).withQueryParam("continuation-token", equalTo("page-2"))
                .willReturn(Stubs.s3Xml(200, listing(false, null, "byoc/runs/2/log.txt"))));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .withRequestBody(containing("<Key>byoc/a.json</Key>"))
                .willReturn(Stubs.s3Xml(200, """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Deleted><Key>byoc/a.json</Key></Deleted><Deleted><Key>byoc/runs/1/log.txt</Key></Deleted></DeleteResult>""")));
        stub(post(urlPathMatching("/" + BUCKET + "/?")).atPriority(SCENARIO).withQueryParam("delete", matching(".*"))
                .withRequestBody(containing("<Key>byoc/runs/2/log.txt</Key>"))
                .willReturn(Stubs.s3Xml(200, """
                        <?xml version="1.0" encoding="UTF-8"?>
                        <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>byoc/runs/2/log.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>""")));

        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).containsExactly("s3://" + BUCKET + "/byoc/a.json", "s3://" + BUCKET + "/byoc/runs/1/log.txt");
        assertThat(leftBehind(outcome)).containsExactly("s3://" + BUCKET + "/byoc/runs/2/log.txt", EKS_ARN, "s3://" + BUCKET,
                AwsStandIn.ROLE_ARN);
        assertThat(reason(outcome, "s3://" + BUCKET + "/byoc/runs/2/log.txt")).contains("AccessDenied");
        assertThat(reason(outcome, AwsStandIn.ROLE_ARN)).contains("Terraform");
        server().verify(2, postRequestedFor(urlPathMatching("/" + BUCKET + "/?")).withQueryParam("delete", matching(".*")));
        server().verify(postRequestedFor(urlPathMatching("/" + BUCKET + "/?"))
                .withRequestBody(containing("<Key>byoc/runs/1/log.txt</Key>")));
        // only the platform prefix is ever listed or deleted
        assertThat(server().findAll(anyRequestedFor(urlPathMatching("/" + BUCKET + "/?")).withQueryParam("list-type", equalTo("2"))))
                .hasSize(2).allSatisfy(r -> assertThat(r.queryParameter("prefix").firstValue()).isEqualTo("byoc/"));
    }

    @Test
    void teardownOfAnEmptyPrefixRemovesNothingAndListsWhatThePlatformNeverTouches() {
        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).isEmpty();
        assertThat(leftBehind(outcome)).containsExactly(EKS_ARN, "s3://" + BUCKET, AwsStandIn.ROLE_ARN);
        server().verify(0, postRequestedFor(urlPathMatching("/" + BUCKET + "/?")).withQueryParam("delete", matching(".*")));
    }

    @Test
    void teardownCompletesWhenTheRoleIsGoneWithEverythingListedAsLeftBehind() {
        stub(Stubs.assumeRole().atPriority(SCENARIO).willReturn(Stubs.accessDenied()));

        Outcome outcome = delete(Spec.sandbox());

        assertThat(removed(outcome)).isEmpty();
        assertThat(leftBehind(outcome)).containsExactly("s3://" + BUCKET + "/byoc/*", EKS_ARN, "s3://" + BUCKET,
                AwsStandIn.ROLE_ARN);
        assertThat(reason(outcome, "s3://" + BUCKET + "/byoc/*")).contains("can no longer be assumed").contains("AccessDenied")
                .contains("aws s3 rm s3://" + BUCKET + "/byoc/ --recursive");
        server().verify(0, anyRequestedFor(urlPathMatching("/" + BUCKET + "(/.*)?")));
    }
}
