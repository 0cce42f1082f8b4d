package dev.byoc.contracts.envelope;

import dev.byoc.contracts.tenant.ExternalIds;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed commands on byoc.cluster-commands (DESIGN §3, contracts/README.md "Signed commands").
 * An internal producer is a <em>service account</em> an admin created; every command it sends
 * carries two headers:
 *
 * <pre>
 * byoc-key-id:    the account's key id (e.g. sa_3f9a6c2e8d414b7aa5e31c2d)
 * byoc-signature: v1,&lt;base64( HMAC-SHA256(secret, ce_id + "." + ce_type + "." + value bytes) )&gt;
 * </pre>
 *
 * The HMAC key is the account's secret as UTF-8 text (what {@code openssl dgst -hmac "$SECRET"}
 * uses), the message is the {@code ce_id} and {@code ce_type} header values and the record value
 * exactly as produced, joined by {@code "."}; base64 is the standard alphabet with padding. The
 * signature binds the value to its id and type, so neither can be changed or swapped, and a
 * replay (same {@code ce_id}) is still applied at most once by the registry.
 *
 * <p>The account's secret is never stored: it is derived from the platform secret and the key id,
 * {@code secret = base64url-unpadded( HMAC-SHA256(platform secret, "service-account-key/v1/" + keyId) )}
 * ({@link #accountSecret}), domain-separated from the external IDs ({@code "external-id/v1/"}, see
 * {@link ExternalIds}) that come from the same platform secret. Revoking an account is therefore a
 * row's {@code revoked_at}, and changing the platform secret changes every account's secret.
 */
public final class CommandSignatures {
    public static final String KEY_ID_HEADER = "byoc-key-id";
    public static final String SIGNATURE_HEADER = "byoc-signature";
    /** The scheme's version: the prefix of every signature, {@code v1,<base64>}. */
    public static final String VERSION = "v1";
    static final String PREFIX = VERSION + ",";
    static final String ACCOUNT_SECRET_CONTEXT = "service-account-key/v1/";

    /** What {@link #check} found. */
    public enum Check {
        /** the signature is {@code v1,<base64>} and matches */
        VALID,
        /** absent, not {@code v1,}, or not base64 */
        MALFORMED,
        /** well formed but not the HMAC of this id, type and value under this secret */
        MISMATCH
    }

    private CommandSignatures() {
    }

    /** The {@code byoc-signature} value for a command: {@code v1,<base64 HMAC-SHA256>}. */
    public static String sign(String secret, String ceId, String ceType, byte[] value) {
        return PREFIX + Base64.getEncoder().encodeToString(mac(secret, ceId, ceType, value));
    }

    /** The two signing headers for a command, to add to its CloudEvents headers. */
    public static Map<String, String> headers(String keyId, String secret, String ceId, String ceType, byte[] value) {
        return Map.of(KEY_ID_HEADER, keyId, SIGNATURE_HEADER, sign(secret, ceId, ceType, value));
    }

    /** True when {@code signature} is the valid {@code v1} signature of the command (constant time). */
    public static boolean verify(String secret, String ceId, String ceType, byte[] value, String signature) {
        return check(secret, ceId, ceType, value, signature) == Check.VALID;
    }

    /** Like {@link #verify}, telling a malformed header from a signature that does not match. */
    public static Check check(String secret, String ceId, String ceType, byte[] value, String signature) {
        if (signature == null || !signature.startsWith(PREFIX)) {
            return Check.MALFORMED;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(signature.substring(PREFIX.length()).trim());
        } catch (IllegalArgumentException e) {
            return Check.MALFORMED;
        }
        if (given.length == 0) {
            return Check.MALFORMED;
        }
        return MessageDigest.isEqual(mac(secret, ceId, ceType, value), given) ? Check.VALID : Check.MISMATCH;
    }

    /**
     * The secret of the service account {@code keyId}: {@code base64url-unpadded(HMAC-SHA256(
     * platformSecret, "service-account-key/v1/" + keyId))}, 43 characters. Derived on demand, never
     * stored; the platform secret is {@code BYOC_EXTERNAL_ID_SECRET} (at least
     * {@value ExternalIds#MIN_SECRET_LENGTH} characters).
     */
    public static String accountSecret(String platformSecret, String keyId) {
        if (platformSecret == null || platformSecret.length() < ExternalIds.MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the platform secret (BYOC_EXTERNAL_ID_SECRET) must be at least "
                    + ExternalIds.MIN_SECRET_LENGTH + " characters");
        }
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("a key id is required");
        }
        byte[] digest = hmac(platformSecret.getBytes(StandardCharsets.UTF_8),
                (ACCOUNT_SECRET_CONTEXT + keyId).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    }

    private static byte[] mac(String secret, String ceId, String ceType, byte[] value) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a secret is required");
        }
        byte[] prefix = ((ceId == null ? "" : ceId) + "." + (ceType == null ? "" : ceType) + ".")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = value == null ? new byte[0] : value;
        byte[] message = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(body, 0, message, prefix.length, body.length);
        return hmac(secret.getBytes(StandardCharsets.UTF_8), message);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
