package dev.byoc.contracts.bus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Applies {@link BusPrincipals} to a broker as its admin: a SCRAM-SHA-512 credential per principal
 * and the ACLs of the table (adding what exists again is harmless). Used by the test broker and,
 * as a command, by {@code bin/byoc-stack}:
 * {@code java -cp contracts/classes:kafka-libs/* dev.byoc.contracts.bus.BusSecurity admin.properties passwords-dir}
 * where {@code passwords-dir/<principal>} holds each password.
 */
public final class BusSecurity {
    private BusSecurity() {
    }

    public static void apply(Map<String, Object> adminClient, Map<String, String> passwords) throws Exception {
        try (Admin admin = Admin.create(adminClient)) {
            List<org.apache.kafka.clients.admin.UserScramCredentialAlteration> users = passwords.entrySet().stream()
                    .map(e -> (org.apache.kafka.clients.admin.UserScramCredentialAlteration) new UserScramCredentialUpsertion(
                            e.getKey(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), e.getValue()))
                    .toList();
            admin.alterUserScramCredentials(users).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(BusPrincipals.acls()).all().get(30, TimeUnit.SECONDS);
        }
    }

    public static void main(String[] args) throws Exception {
        Properties client = new Properties();
        try (var in = Files.newInputStream(Path.of(args[0]))) {
            client.load(in);
        }
        Map<String, String> passwords = new java.util.TreeMap<>();
        for (BusPrincipals.Principal p : BusPrincipals.ALL) {
            passwords.put(p.name(), Files.readString(Path.of(args[1], p.name())).strip());
        }
        Map<String, Object> config = new java.util.HashMap<>();
        client.forEach((k, v) -> config.put(String.valueOf(k), v));
        apply(config, passwords);
        System.out.println("bus: " + passwords.size() + " principals, " + BusPrincipals.acls().size() + " ACLs");
    }
}
