package dev.byoc.provisioner.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.byoc.provisioner.config.AwsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The platform's own accounts come from settings that must be exact: a typo would leave an account unprotected. */
class PlatformIdentityTest {
    /** {@code byoc.aws.*} with only the platform's identity set. */
    record Aws(Optional<String> platformPrincipalArn, Optional<List<String>> platformAccountIds) implements AwsConfig {
        @Override
        public Duration callTimeout() {
            return Duration.ofSeconds(3);
        }

        @Override
        public Duration assumeRoleRetryWindow() {
            return Duration.ofSeconds(12);
        }
    }

    @Test
    void aPrincipalArnWithoutAnAccountStopsStartUp() {
        assertThatThrownBy(() -> new PlatformIdentity(new Aws(Optional.of("byoc-platform"), Optional.empty())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("byoc.aws.platform-principal-arn");
    }

    @Test
    void anAccountIdThatIsNotTwelveDigitsStopsStartUp() {
        assertThatThrownBy(() -> new PlatformIdentity(new Aws(Optional.empty(), Optional.of(List.of("1234-5678-9012")))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("byoc.aws.platform-account-ids");
    }

    @Test
    void theAccountOfAnyIamOrStsArnIsRead() {
        assertThat(dev.byoc.contracts.tenant.TenantRules.accountOfPrincipal("arn:aws:iam::999999999999:user/byoc-platform")).contains("999999999999");
        assertThat(dev.byoc.contracts.tenant.TenantRules.accountOfPrincipal("arn:aws:sts::123456789012:assumed-role/platform/session")).contains("123456789012");
        assertThat(dev.byoc.contracts.tenant.TenantRules.accountOfPrincipal("arn:aws:iam::aws:policy/ReadOnly")).isEmpty();
    }
}
