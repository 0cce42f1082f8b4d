package dev.byoc.registry.auth;

import dev.byoc.contracts.envelope.CommandSignatures;
import dev.byoc.registry.tenant.TenantConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import io.smallrye.mutiny.Uni;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who sent a command: the service account whose key id ({@code byoc-key-id}) is live and whose
 * secret signed it ({@code byoc-signature}, {@link CommandSignatures}). The secret is derived from
 * {@code byoc.external-id.secret} and the key id, never stored.
 */
@ApplicationScoped
public class ServiceAccounts {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The outcome of {@link #authenticate}. */
    public sealed interface Verdict {
    }

    public record Authenticated(ServiceAccountRepository.Account account) implements Verdict {
    }

    /** {@code message} says what is wrong without repeating anything the sender chose. */
    public record Refused(String message) implements Verdict {
    }

    private final ServiceAccountRepository accounts;
    private final String platformSecret;

    ServiceAccounts(ServiceAccountRepository accounts, TenantConfig.ExternalId externalId) {
        this.accounts = accounts;
        this.platformSecret = externalId.secret();
    }

    /** A fresh key id: {@code sa_} and 24 random hex digits (96 bits); never reused, so neither is a secret. */
    public static String newKeyId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "sa_" + HexFormat.of().formatHex(bytes);
    }

    /** The secret of {@code keyId}, recomputed on demand. */
    public String secretOf(String keyId) {
        return CommandSignatures.accountSecret(platformSecret, keyId);
    }

    /** In the caller's session. */
    public Uni<Verdict> authenticate(String ceId, String ceType, byte[] value, String keyId, String signature) {
        boolean noKey = keyId == null || keyId.isBlank();
        boolean noSignature = signature == null || signature.isBlank();
        if (noKey && noSignature) {
            return refused("the command is not signed: send the headers " + CommandSignatures.KEY_ID_HEADER + " and "
                    + CommandSignatures.SIGNATURE_HEADER + " (v1,<base64 HMAC-SHA256(secret, ce_id.ce_type.value)>) of a "
                    + "service account an admin created (POST /api/v1/admin/service-accounts); see contracts/README.md, "
                    + "Signed commands");
        }
        if (noKey) {
            return refused("no " + CommandSignatures.KEY_ID_HEADER + " header: send the key id of the service account "
                    + "that signed the command");
        }
        if (noSignature) {
            return refused("no " + CommandSignatures.SIGNATURE_HEADER + " header: sign the command with the service "
                    + "account's secret, v1,<base64 HMAC-SHA256(secret, ce_id.ce_type.value)>");
        }
        return accounts.byKeyId(keyId.trim()).map(account -> verdict(account, ceId, ceType, value, signature.trim()));
    }

    private Verdict verdict(Optional<ServiceAccountRepository.Account> account, String ceId, String ceType, byte[] value,
            String signature) {
        if (account.isEmpty() || account.get().revoked()) {
            return new Refused("the " + CommandSignatures.KEY_ID_HEADER + " is unknown or revoked; ask an admin for a "
                    + "service account (POST /api/v1/admin/service-accounts)");
        }
        return switch (CommandSignatures.check(secretOf(account.get().keyId()), ceId, ceType, value, signature)) {
            case VALID -> new Authenticated(account.get());
            case MALFORMED -> new Refused(CommandSignatures.SIGNATURE_HEADER + " must be v1,<base64 HMAC-SHA256(secret, "
                    + "ce_id.ce_type.value)>");
            case MISMATCH -> new Refused("the signature does not match: sign ce_id + \".\" + ce_type + \".\" + the value "
                    + "bytes exactly as produced, with the secret of the key id you send");
        };
    }

    private static Uni<Verdict> refused(String message) {
        return Uni.createFrom().item(new Refused(message));
    }
}
