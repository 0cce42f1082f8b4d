package dev.byoc.provisioner;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.byoc.testsupport.AwsStandIn;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Scenario stubs on top of the AWS sandbox, speaking each service's real protocol: STS query/XML,
 * EKS REST-JSON, S3 REST-XML, Service Quotas JSON 1.1. The sandbox's mappings have priorities 10
 * to 100; these use 1 to 5 so they win.
 */
final class Stubs {
    static final int SCENARIO = 1;
    static final int BASELINE = 5;
    static final String ASSUMED_KEY = "Credential=ASIASANDBOXDEMO00001/";
    static final String BUCKET_PATH = "/" + AwsStandIn.BUCKET;

    private Stubs() {
    }

    static WireMockServer server() {
        return AwsStandIn.shared().server();
    }

    static void stub(MappingBuilder mapping) {
        server().stubFor(mapping);
    }

    // ------------------------------------------------------------------ STS (query protocol, XML)

    static MappingBuilder assumeRole() {
        return assumeRole(AwsStandIn.ROLE_ARN);
    }

    static MappingBuilder assumeRole(String roleArn) {
        return post(urlPathEqualTo("/")).withRequestBody(matching("(?s)(.*&)?Action=AssumeRole(&.*)?"))
                .withRequestBody(containing(roleArnForm(roleArn)));
    }

    /** How the SDK writes the role ARN in the AssumeRole form body. */
    static String roleArnForm(String roleArn) {
        return "RoleArn=" + URLEncoder.encode(roleArn, StandardCharsets.UTF_8);
    }

    static RequestPatternBuilder assumeRoleRequests() {
        return RequestPatternBuilder.newRequestPattern(com.github.tomakehurst.wiremock.http.RequestMethod.POST, urlPathEqualTo("/"))
                .withRequestBody(matching("(?s)(.*&)?Action=AssumeRole(&.*)?"));
    }

    static RequestPatternBuilder assumeRoleRequests(String roleArn) {
        return assumeRoleRequests().withRequestBody(containing(roleArnForm(roleArn)));
    }

    /** AssumeRole calls that sent {@code externalId}. */
    static RequestPatternBuilder assumeRoleWith(String externalId) {
        return assumeRoleRequests().withRequestBody(containing("ExternalId=" + externalId));
    }

    /**
     * A role of this test only, in the sandbox account, whose trust policy has no sts:ExternalId
     * condition: AssumeRole succeeds with any external ID and with none (the demo role's
     * credentials, so anything done with them would work and show in the journal).
     */
    static String openRole(UUID clusterId) {
        String arn = "arn:aws:iam::" + AwsStandIn.ACCOUNT + ":role/byoc-open-" + clusterId.toString().substring(0, 8);
        stub(assumeRole(arn).atPriority(SCENARIO).willReturn(assumedRoleCredentials()));
        return arn;
    }

    /** Every request signed with the sandbox's assumed-role credentials: STS, EKS, S3 and Service Quotas in the account. */
    static RequestPatternBuilder signedWithTheAssumedRole() {
        return com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                .withHeader("Authorization", containing(ASSUMED_KEY));
    }

    /** Every S3 request on {@code bucket} (path style), bucket or object. */
    static RequestPatternBuilder bucketRequests(String bucket) {
        return com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathMatching("/" + bucket + "(/.*)?"));
    }

    /** GetCallerIdentity signed with the platform's own credentials (not an assumed role's). */
    static MappingBuilder platformCallerIdentity() {
        return post(urlPathEqualTo("/")).withHeader("Authorization", notContaining("Credential=ASIASANDBOX"))
                .withRequestBody(matching("(?s)(.*&)?Action=GetCallerIdentity(&.*)?"));
    }

    static RequestPatternBuilder platformCallerIdentityRequests() {
        return RequestPatternBuilder.newRequestPattern(com.github.tomakehurst.wiremock.http.RequestMethod.POST, urlPathEqualTo("/"))
                .withHeader("Authorization", notContaining("Credential=ASIASANDBOX"))
                .withRequestBody(matching("(?s)(.*&)?Action=GetCallerIdentity(&.*)?"));
    }

    static ResponseDefinitionBuilder callerIdentityOf(String arn, String account) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml").withBody("""
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult><Arn>%s</Arn><UserId>AIDASCENARIO0000001</UserId><Account>%s</Account></GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>""".formatted(arn, account));
    }

    static RequestPatternBuilder callerIdentityWithAssumedRole() {
        return RequestPatternBuilder.newRequestPattern(com.github.tomakehurst.wiremock.http.RequestMethod.POST, urlPathEqualTo("/"))
                .withHeader("Authorization", containing(ASSUMED_KEY))
                .withRequestBody(matching("(?s)(.*&)?Action=GetCallerIdentity(&.*)?"));
    }

    /** GetCallerIdentity signed with the credentials of the sandbox's assumed role. */
    static MappingBuilder callerIdentity() {
        return post(urlPathEqualTo("/")).withHeader("Authorization", containing(ASSUMED_KEY))
                .withRequestBody(matching("(?s)(.*&)?Action=GetCallerIdentity(&.*)?"));
    }

    static ResponseDefinitionBuilder assumedRoleCredentials() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/xml")
                .withBodyFile("sts/assume-role-demo-01.xml").withTransformers("response-template");
    }

    static ResponseDefinitionBuilder stsError(int status, String code, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml").withBody("""
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>
                  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
                </ErrorResponse>""".formatted(code, message));
    }

    static ResponseDefinitionBuilder accessDenied() {
        return aResponse().withStatus(403).withHeader("Content-Type", "text/xml").withBodyFile("sts/access-denied.xml")
                .withTransformers("response-template");
    }

    /** The trust policy lacks the sts:ExternalId condition: AssumeRole without an external ID succeeds. */
    static void trustPolicyWithoutExternalId() {
        stub(assumeRole().atPriority(SCENARIO).withRequestBody(notContaining("ExternalId=")).willReturn(assumedRoleCredentials()));
    }

    // ------------------------------------------------------------------ EKS (REST-JSON)

    static MappingBuilder describeCluster(String name) {
        return get(urlPathEqualTo("/clusters/" + name)).withHeader("Authorization", containing("/eks/aws4_request"));
    }

    /** A DescribeCluster answer; but while CREATING (no API server yet, as EKS), its endpoint is the stand-in's Kubernetes API. */
    static ResponseDefinitionBuilder eksCluster(String name, String status) {
        String api = "CREATING".equals(status) ? "" : """
                 "endpoint": "%s", "certificateAuthority": {"data": "%s"},""".formatted(AwsStandIn.shared().kubernetesEndpoint(),
                AwsStandIn.shared().kubernetesCa());
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"cluster": {"name": "%s", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/%s", "createdAt": 1735689600.123,
                 "version": "1.31", "roleArn": "arn:aws:iam::111122223333:role/%s-eks-cluster-role", "status": "%s",%s
                 "health": {"issues": []}, "platformVersion": "eks.20"}}""".formatted(name, name, name, status, api));
    }

    /** DescribeCluster for the demo cluster with another endpoint and CA (base64 PEM). */
    static ResponseDefinitionBuilder eksClusterAt(String endpoint, String caBase64) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                {"cluster": {"name": "demo-01", "arn": "arn:aws:eks:us-east-1:111122223333:cluster/demo-01", "createdAt": 1735689600.123,
                 "version": "1.31", "status": "ACTIVE", "endpoint": "%s", "certificateAuthority": {"data": "%s"},
                 "resourcesVpcConfig": {"endpointPublicAccess": true, "endpointPrivateAccess": true},
                 "accessConfig": {"authenticationMode": "API_AND_CONFIG_MAP"}, "platformVersion": "eks.20"}}""".formatted(endpoint, caBase64));
    }

    /** Every request the Kubernetes API stand-in received (WireMock's HTTPS port shares the journal). */
    static RequestPatternBuilder kubernetesRequests() {
        return com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(urlPathMatching("/(version|apis/.*)"));
    }

    // ------------------------------------------------------------------ S3 (REST-XML, path style)

    static MappingBuilder headBucket() {
        return com.github.tomakehurst.wiremock.client.WireMock.head(urlPathMatching(BUCKET_PATH + "/?"));
    }

    static MappingBuilder bucketLocation() {
        return get(urlPathMatching(BUCKET_PATH + "/?")).withQueryParam("location",
                com.github.tomakehurst.wiremock.client.WireMock.matching(".*"));
    }

    static ResponseDefinitionBuilder s3Xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/xml")
                .withHeader("x-amz-request-id", "4442587FB7D0A2F9").withHeader("Server", "AmazonS3").withBody(body);
    }

    // ------------------------------------------------------------------ Service Quotas (JSON 1.1)

    static MappingBuilder getServiceQuota() {
        return post(urlPathEqualTo("/")).withHeader("X-Amz-Target", equalTo("ServiceQuotasV20190624.GetServiceQuota"));
    }

    static RequestPatternBuilder quotaRequests() {
        return RequestPatternBuilder.newRequestPattern(com.github.tomakehurst.wiremock.http.RequestMethod.POST, urlPathEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("ServiceQuotasV20190624.GetServiceQuota"));
    }

    static RequestPatternBuilder postQuota(String code) {
        return quotaRequests().withRequestBody(matchingJsonPath("$.QuotaCode", equalTo(code)));
    }

    static void quota(int priority, String service, String code, double value) {
        stub(getServiceQuota().atPriority(priority)
                .withRequestBody(matchingJsonPath("$.ServiceCode", equalTo(service)))
                .withRequestBody(matchingJsonPath("$.QuotaCode", equalTo(code)))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1").withBody("""
                        {"Quota": {"ServiceCode": "%s", "QuotaCode": "%s", "QuotaArn": "arn:aws:servicequotas:us-east-1:111122223333:%s/%s",
                         "QuotaName": "%s", "Value": %s, "Unit": "None", "Adjustable": true, "GlobalQuota": false}}"""
                        .formatted(service, code, service, code, code, value))));
    }

    /** Every quota the check reads at its recommendation, so a test sees only its own scenario. */
    static void quotasAtRecommendations() {
        quota(BASELINE, "autoscaling", "L-CDE20ADC", 800);
        quota(BASELINE, "autoscaling", "L-6B80B8FA", 600);
        quota(BASELINE, "ec2", "L-1216C47A", 1000);
        quota(BASELINE, "ec2", "L-34B43A08", 1000);
        quota(BASELINE, "ec2", "L-DB2E81BA", 64);
        quota(BASELINE, "ec2", "L-417A185B", 64);
    }

    static ResponseDefinitionBuilder jsonError(int status, String type, String message) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", "2d4b5b1c-7f3a-4c7e-9a0e-1d2c3b4a5f6e")
                .withBody("{\"__type\": \"" + type + "\", \"message\": \"" + message + "\"}");
    }
}
