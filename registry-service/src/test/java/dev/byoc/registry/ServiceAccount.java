package dev.byoc.registry;

import dev.byoc.contracts.envelope.CommandSignatures;
import dev.byoc.testsupport.KafkaTestClient;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A service account the tests create through the admin API, and commands it signs: what an
 * internal producer does (plain kafka-clients, the headers of contracts/README.md).
 */
record ServiceAccount(String name, String keyId, String secret) {
    static final String COMMANDS = "byoc.cluster-commands";

    /** A new account; {@code actingUsers} as JSON: {@code "*"} or {@code ["alice", "bob"]}. */
    static ServiceAccount create(String actingUsers) {
        String name = ClusterApiTests.unique("sa");
        var answer = ClusterApiTests.as(ClusterApiTests.ADMIN).contentType("application/json")
                .body("{\"name\": \"" + name + "\", \"actingUsers\": " + actingUsers + "}")
                .post("/api/v1/admin/service-accounts").then().statusCode(201).extract();
        return new ServiceAccount(name, answer.path("keyId"), answer.path("secret"));
    }

    /** An account that may act for any user. */
    static ServiceAccount anyUser() {
        return create("\"*\"");
    }

    /** An account that may act only for {@code users}. */
    static ServiceAccount actingFor(String... users) {
        return create(dev.byoc.contracts.Json.write(java.util.List.of(users)));
    }

    /** CloudEvents headers of a command plus this account's signature over {@code value}. */
    Map<String, String> headers(String commandId, String type, String subject, String value) {
        Map<String, String> headers = new HashMap<>(KafkaTestClient.cloudEvent(commandId, type, subject));
        headers.putAll(CommandSignatures.headers(keyId, secret, commandId, type, value.getBytes(StandardCharsets.UTF_8)));
        return headers;
    }

    /** Signs and produces a command onto byoc.cluster-commands, keyed by the cluster name. */
    void send(String clusterName, String commandId, String type, String value) {
        KafkaTestClient.shared().produce(COMMANDS, clusterName, value, headers(commandId, type, clusterName, value));
    }

    void revoke() {
        ClusterApiTests.as(ClusterApiTests.ADMIN).delete("/api/v1/admin/service-accounts/" + name).then().statusCode(204);
    }
}
