package dev.byoc.testsupport;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox EKS cluster's Kubernetes API as EKS's authenticator sees it: the WireMock
 * transformer {@code byoc-kubernetes-token} of the {@code kubernetes-*} mappings. It decodes the
 * bearer token ({@code k8s-aws-v1.} + base64url of a presigned STS GetCallerIdentity URL), checks
 * what {@code aws eks get-token} produces (Action, Version, X-Amz-Expires, {@code x-k8s-aws-id}
 * among the signed headers, a credential scope for sts), maps the credential's access key back to
 * the role whose assumed session it is (the mapping's {@code sessions} parameter: the sandbox
 * issues one fixed key per role), and answers as that role's access entry says. It does not
 * recompute the signature: the provisioner's signing is the SDK's own, and the token's shape is
 * what this stand-in can hold it to.
 *
 * <p>Per role, tests choose the answer ({@link #noAccessEntry}, {@link #notAllowed}); every role
 * has an access entry with cluster admin by default, so the sandbox validates as before.
 * {@link AwsStandIn#reset()} forgets the choices. Served without this extension (bin/byoc-stack,
 * Compose), the same mappings answer every {@code k8s-aws-v1.} token with the default.
 */
public final class KubernetesApiStandIn implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "byoc-kubernetes-token";
    public static final String TOKEN_PREFIX = "k8s-aws-v1.";

    /** What the cluster's access entries say about a role. */
    public enum Access {
        /** an access entry with AmazonEKSClusterAdminPolicy, cluster scope */
        CLUSTER_ADMIN,
        /** no access entry: EKS cannot map the token to a Kubernetes identity (401) */
        NO_ACCESS_ENTRY,
        /** an access entry without a policy that allows creating namespaces (SelfSubjectAccessReview: allowed=false) */
        NOT_ALLOWED
    }

    private final Map<String, Access> access = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** EKS answers 401 for {@code roleArn}'s tokens: the cluster has no access entry for it. */
    public void noAccessEntry(String roleArn) {
        access.put(roleArn, Access.NO_ACCESS_ENTRY);
    }

    /** {@code roleArn} is authenticated, but a SelfSubjectAccessReview for creating namespaces answers allowed=false. */
    public void notAllowed(String roleArn) {
        access.put(roleArn, Access.NOT_ALLOWED);
    }

    public void clusterAdmin(String roleArn) {
        access.put(roleArn, Access.CLUSTER_ADMIN);
    }

    public void reset() {
        access.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        ResponseDefinition ok = event.getResponseDefinition();
        String authorization = event.getRequest().getHeader("Authorization");
        Optional<String> role = roleOf(authorization, event.getTransformerParameters());
        if (role.isEmpty()) {
            return status(401, "Unauthorized", "Unauthorized");
        }
        return switch (access.getOrDefault(role.get(), Access.CLUSTER_ADMIN)) {
            case CLUSTER_ADMIN -> ok;
            case NO_ACCESS_ENTRY -> status(401, "Unauthorized", "Unauthorized");
            case NOT_ALLOWED -> event.getRequest().getUrl().startsWith("/apis/authorization.k8s.io/")
                    ? json(201, "{\"kind\": \"SelfSubjectAccessReview\", \"apiVersion\": \"authorization.k8s.io/v1\","
                            + " \"metadata\": {}, \"spec\": {\"resourceAttributes\": {\"verb\": \"create\","
                            + " \"resource\": \"namespaces\"}}, \"status\": {\"allowed\": false, \"reason\":"
                            + " \"no EKS access policy associated with " + role.get() + " allows it\"}}")
                    : ok;
        };
    }

    private static ResponseDefinition status(int code, String reason, String message) {
        return json(code, "{\"kind\": \"Status\", \"apiVersion\": \"v1\", \"metadata\": {}, \"status\": \"Failure\", \"message\": \""
                + message + "\", \"reason\": \"" + reason + "\", \"code\": " + code + "}");
    }

    private static ResponseDefinition json(int code, String body) {
        return com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(code)
                .withHeader("Content-Type", "application/json").withBody(body).build();
    }

    /** The role whose assumed session signed the token, when the token is what aws eks get-token makes. */
    static Optional<String> roleOf(String authorization, Parameters parameters) {
        if (authorization == null || !authorization.startsWith("Bearer " + TOKEN_PREFIX)) {
            return Optional.empty();
        }
        Optional<Map<String, String>> query = presignedQuery(authorization.substring(("Bearer " + TOKEN_PREFIX).length()));
        if (query.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> q = query.get();
        List<String> signed = Arrays.asList(q.getOrDefault("X-Amz-SignedHeaders", "").split(";"));
        String[] credential = q.getOrDefault("X-Amz-Credential", "").split("/");
        boolean shaped = "GetCallerIdentity".equals(q.get("Action")) && "2011-06-15".equals(q.get("Version"))
                && "AWS4-HMAC-SHA256".equals(q.get("X-Amz-Algorithm")) && q.containsKey("X-Amz-Signature")
                && q.containsKey("X-Amz-Date") && "60".equals(q.get("X-Amz-Expires"))
                && signed.contains("host") && signed.contains("x-k8s-aws-id")
                && credential.length == 5 && "sts".equals(credential[3]) && "aws4_request".equals(credential[4]);
        if (!shaped) {
            return Optional.empty();
        }
        Object sessions = parameters == null ? null : parameters.get("sessions");
        if (!(sessions instanceof Map<?, ?> byKey)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byKey.get(credential[0])).map(Object::toString);
    }

    /** The query of the presigned URL a token carries, decoded; empty when it is no base64url-encoded URL. */
    public static Optional<Map<String, String>> presignedQuery(String encoded) {
        try {
            URI url = URI.create(new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8));
            Map<String, String> query = new HashMap<>();
            for (String pair : Optional.ofNullable(url.getRawQuery()).orElse("").split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return Optional.of(query);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
