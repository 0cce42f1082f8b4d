package dev.byoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** `byoc login` and the stored credentials: every runner here starts without BYOC_URL / BYOC_API_KEY. */
class LoginTest extends RegistryTestBase {
    private Path credentials() {
        return home.resolve(".config/byoc/credentials");
    }

    @Test
    void loginChecksTheKeyAndStoresItPrivately() throws Exception {
        CliRunner cli = withoutEnvironment();
        var login = cli.run("login", "--username", FakeRegistry.USER, "--key", FakeRegistry.KEY, "--url", registry.url() + "/");

        assertThat(login.exit()).as(login.toString()).isZero();
        assertThat(login.err()).contains("logged in to " + registry.url() + " as alice").doesNotContain(FakeRegistry.KEY);
        assertThat(login.out()).isEmpty();
        assertThat(registry.requests).containsExactly("GET /api/v1/users/me");
        assertThat(Files.readString(credentials())).contains("url = " + registry.url() + "\n")
                .contains("api_key = " + FakeRegistry.KEY).contains("username = alice");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials().getParent())))
                .isEqualTo("rwx------");

        // later commands use the stored URL and key
        registry.addCluster("demo-01", "running", "EKS cluster is ACTIVE", java.time.Instant.now());
        var list = cli.run("clusters");
        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out()).contains("demo-01");
    }

    @Test
    void environmentOverridesTheStoredCredentials() {
        CliRunner cli = withoutEnvironment();
        assertThat(cli.run("login", "--key", FakeRegistry.KEY, "--url", registry.url()).exit()).isZero();

        cli.vars.put("BYOC_API_KEY", "someone-elses-key");
        var result = cli.run("clusters");

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).contains("refused the API key").contains("BYOC_API_KEY");
    }

    @Test
    void aBadKeyIsRefusedAndNothingIsSaved() {
        var result = withoutEnvironment().run("login", "--username", "alice", "--key", "wrong", "--url", registry.url());

        assertThat(result.exit()).as(result.toString()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).contains("refused the API key").contains("nothing was saved");
        assertThat(credentials()).doesNotExist();
    }

    @Test
    void aKeyOfAnotherUserIsAnInputError() {
        var result = withoutEnvironment().run("login", "--username", "bob", "--key", FakeRegistry.KEY, "--url", registry.url());

        assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("belongs to 'alice', not 'bob'");
        assertThat(credentials()).doesNotExist();
    }

    @Test
    void theKeyCanComeFromStdin() {
        CliRunner cli = withoutEnvironment();
        cli.stdin = FakeRegistry.KEY + "\n";
        var result = cli.run("login", "--key", "-", "--url", registry.url());

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(credentials()).exists();
    }

    @Test
    void withoutCredentialsCommandsSayHowToLogIn() {
        var result = withoutEnvironment().run("clusters");

        assertThat(result.exit()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(result.err()).contains("not logged in").contains("byoc login");
    }
}
