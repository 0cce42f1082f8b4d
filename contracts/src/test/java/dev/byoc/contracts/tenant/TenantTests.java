package dev.byoc.contracts.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TenantTests {
    static final String SECRET = "a-platform-secret-of-at-least-32-characters";
    static final ExternalIds IDS = ExternalIds.withSecret(SECRET);

    @Test
    void issuedIdIsTheDocumentedHmacStableAndLongEnough() throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(), "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal("external-id/v1/alice".getBytes()), 0, 20);

        assertThat(IDS.issuedTo("alice")).isEqualTo(expected).hasSize(40).matches("[0-9a-f]{40}");
        assertThat(ExternalIds.withSecret(SECRET).issuedTo("alice")).as("stable").isEqualTo(IDS.issuedTo("alice"));
        assertThat(IDS.isIssuedTo("alice", expected)).isTrue();
        assertThat(IDS.isIssuedTo("bob", expected)).isFalse();
        assertThat(IDS.isIssuedTo("alice", null)).isFalse();
    }

    @Test
    void everyOwnerAndEverySecretGetsItsOwnId() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(IDS.issuedTo("user-" + i));
        }
        assertThat(ids).hasSize(1000);
        assertThat(ExternalIds.withSecret(SECRET + "x").issuedTo("alice")).isNotEqualTo(IDS.issuedTo("alice"));
    }

    @Test
    void aShortOrMissingSecretIsRefused() {
        for (String bad : new String[] {null, "", "   ", "short-secret"}) {
            assertThatThrownBy(() -> ExternalIds.withSecret(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("BYOC_EXTERNAL_ID_SECRET");
        }
    }

    @Test
    void anyExternalIdButTheIssuedOneIsRefusedWithAHintThatDoesNotRevealIt() {
        String issued = IDS.issuedTo("alice");
        assertThat(TenantRules.externalId(null, issued)).as("left out = the issued one").isEmpty();
        assertThat(TenantRules.externalId(issued, issued)).isEmpty();
        String bobs = IDS.issuedTo("bob");
        assertThat(TenantRules.externalId(bobs, issued)).hasValueSatisfying(m -> assertThat(m)
                .contains("…" + issued.substring(36)).contains("external_id_override").contains("byoc clusters prerequisites")
                .doesNotContain(issued).doesNotContain(bobs));
    }

    @Test
    void aRoleInThePlatformsOwnAccountIsRefused() {
        assertThat(TenantRules.roleAccount("arn:aws:iam::999999999999:role/x", List.of("999999999999")))
                .hasValueSatisfying(m -> assertThat(m).contains("platform's own AWS account"));
        assertThat(TenantRules.roleAccount("arn:aws:iam::111122223333:role/x", List.of("999999999999"))).isEmpty();
        assertThat(TenantRules.roleAccount(null, List.of("999999999999"))).isEmpty();
    }

    @Test
    void thePlatformsAccountsComeFromExactSettings() {
        assertThat(TenantRules.platformAccounts(java.util.Optional.of("arn:aws:iam::999999999999:user/byoc-platform"),
                List.of(" 777777777777"))).containsExactly("999999999999", "777777777777");
        assertThat(TenantRules.platformAccounts(java.util.Optional.empty(), List.of())).isEmpty();
        assertThatThrownBy(() -> TenantRules.platformAccounts(java.util.Optional.of("byoc-platform"), List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("byoc.aws.platform-principal-arn");
        assertThatThrownBy(() -> TenantRules.platformAccounts(java.util.Optional.empty(), List.of("1234-5678-9012")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("byoc.aws.platform-account-ids");
        assertThat(TenantRules.accountOfPrincipal("arn:aws:sts::123456789012:assumed-role/p/s")).contains("123456789012");
        assertThat(TenantRules.accountOfPrincipal(null)).isEmpty();
    }

    @Test
    void maskKeepsTheLastFourCharacters() {
        assertThat(ExternalIds.mask("0123456789abcdef")).isEqualTo("…cdef");
        assertThat(ExternalIds.mask("")).isEmpty();
        assertThat(ExternalIds.mask(null)).isEmpty();
    }
}
