package dev.byoc.provisioner.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.byoc.testsupport.AwsStandIn;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The platform secret: the bean (created at start-up) refuses to exist without a usable one. */
class ExternalIdIssuerTest {

    @Test
    void aMissingSecretStopsStartUpNamingTheSetting() {
        assertThatThrownBy(() -> new ExternalIdIssuer(Optional::empty)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("byoc.external-id.secret").hasMessageContaining("BYOC_EXTERNAL_ID_SECRET")
                .hasMessageContaining("not set");
        assertThatThrownBy(() -> new ExternalIdIssuer(() -> Optional.of("   "))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not set");
    }

    @Test
    void aShortSecretStopsStartUpAndIsNotEchoed() {
        String shortSecret = "only-twenty-chars-xx";
        assertThatThrownBy(() -> new ExternalIdIssuer(() -> Optional.of(shortSecret))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("too short").hasMessageContaining("at least 32")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(shortSecret));
    }

    @Test
    void theIssuedIdIsTheContractsDerivationOfTheOwner() {
        ExternalIdIssuer issuer = new ExternalIdIssuer(() -> Optional.of(AwsStandIn.EXTERNAL_ID_SECRET));
        assertThat(issuer.issuedTo("admin")).isEqualTo(AwsStandIn.externalIdOf("admin")).hasSize(40);
        assertThat(issuer.issuedTo("bob")).isNotEqualTo(issuer.issuedTo("admin"));
    }
}
