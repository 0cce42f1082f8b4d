package dev.byoc.contracts.tenant;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The external ID the platform issues to each user (DESIGN §1): {@code HMAC-SHA256(secret,
 * "external-id/v1/" + owner)}, the first 20 bytes in lower-case hex (40 characters, 160 bits).
 * Derived, not stored: every service holding the platform's external-ID secret recomputes the
 * owner's ID from the owner alone, so no topic and no table ever needs to carry it. The format is
 * part of the contract ({@code v1}): changing it would change every customer's trust policy.
 */
public final class ExternalIds {
    /** The secret must be long enough that the IDs cannot be guessed by trying secrets. */
    public static final int MIN_SECRET_LENGTH = 32;
    static final String CONTEXT = "external-id/v1/";
    static final int BYTES = 20;

    private final SecretKeySpec key;

    private ExternalIds(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** @throws IllegalArgumentException when the secret is missing or shorter than {@value #MIN_SECRET_LENGTH} characters */
    public static ExternalIds withSecret(String secret) {
        if (secret == null || secret.isBlank() || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the external-ID secret (BYOC_EXTERNAL_ID_SECRET) must be at least "
                    + MIN_SECRET_LENGTH + " characters; generate one with: head -c 32 /dev/urandom | base64");
        }
        return new ExternalIds(secret);
    }

    /** The external ID issued to {@code owner}; stable for as long as the secret is. */
    public String issuedTo(String owner) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((CONTEXT + owner).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** True when {@code given} is exactly {@code owner}'s issued ID (constant time). */
    public boolean isIssuedTo(String owner, String given) {
        return given != null && java.security.MessageDigest.isEqual(
                issuedTo(owner).getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    /** "…7f3a": the last four characters, the only form anyone but the owner may see. */
    public static String mask(String externalId) {
        if (externalId == null || externalId.isEmpty()) {
            return "";
        }
        return "…" + externalId.substring(Math.max(0, externalId.length() - 4));
    }

    /**
     * {@code BYOC_EXTERNAL_ID_SECRET=… java -cp contracts.jar dev.byoc.contracts.tenant.ExternalIds owner…}
     * prints {@code owner<TAB>id} per owner: how bin/byoc-stack and the tests fill the AWS
     * sandbox's trust policies, so the derivation is written once.
     */
    public static void main(String[] args) {
        String secret = Optional.ofNullable(System.getenv("BYOC_EXTERNAL_ID_SECRET")).orElse("");
        ExternalIds ids = withSecret(secret);
        for (String owner : args) {
            System.out.println(owner + "\t" + ids.issuedTo(owner));
        }
    }
}
