package dev.byoc.monitor.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.byoc.testsupport.AwsStandIn;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Without the platform's external-ID secret the monitor must not start (EksProbe is created at start-up). */
class EksProbeSecretTests {

    @Test
    void aMissingOrShortSecretStopsTheStartWithAMessageThatSaysWhatToSet() {
        for (Optional<String> secret : java.util.List.of(Optional.<String>empty(), Optional.of(""), Optional.of("too-short"))) {
            assertThatThrownBy(() -> EksProbe.externalIds(secret)).as("%s", secret)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("byoc.external-id.secret").hasMessageContaining("BYOC_EXTERNAL_ID_SECRET")
                    .hasMessageContaining("at least 32 characters");
        }
    }

    @Test
    void theSecretGivesEachOwnerTheIdTheSandboxTrusts() {
        var ids = EksProbe.externalIds(Optional.of(AwsStandIn.EXTERNAL_ID_SECRET));
        assertThat(ids.issuedTo(AwsStandIn.OWNER)).isEqualTo(AwsStandIn.externalIdOf(AwsStandIn.OWNER)).hasSize(40);
        assertThat(ids.issuedTo(AwsStandIn.SECOND_OWNER)).isNotEqualTo(ids.issuedTo(AwsStandIn.OWNER));
    }
}
