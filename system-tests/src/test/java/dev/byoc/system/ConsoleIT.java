package dev.byoc.system;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web console (/console/) in a real browser: Debian's chromium driven by Playwright against the
 * three packaged services. One system, one browser, one walk: log in, register the demo cluster
 * through the form, watch it go live to running on the fleet table, open its report, verify, edit,
 * a second user who sees none of it, the admin's DLQ view, then the delete preview and the delete.
 * Screenshots go to target/console-screenshots/.
 */
class ConsoleIT {
    private static SystemUnderTest system;
    private static Playwright playwright;
    private static Browser browser;
    private static Path shots;
    private static Path root;

    @BeforeAll
    static void start() throws Exception {
        root = Path.of(System.getProperty("byoc.root"));
        installChromium();
        shots = root.resolve("system-tests/target/console-screenshots");
        Files.createDirectories(shots);
        system = new SystemUnderTest();
        // the bundled driver only: never Playwright's browser download (it cannot work here)
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        // no --user-data-dir: launch() refuses it and gives every launch a fresh temporary profile itself
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    /** Debian's chromium, installed by the script when missing (it says why when it cannot). */
    private static void installChromium() throws Exception {
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            return;
        }
        Process install = new ProcessBuilder("sh", root.resolve("system-tests/src/test/resources/install-chromium.sh").toString())
                .redirectErrorStream(true).start();
        String out = new String(install.getInputStream().readAllBytes());
        if (install.waitFor() != 0 || !Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            throw new IllegalStateException("ConsoleIT needs Debian's chromium at /usr/bin/chromium and could not install it "
                    + "(apt-get install -y chromium, as root): " + out);
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (system != null) {
            system.close();
        }
    }

    private static Page loggedIn(BrowserContext context, String user, String key) {
        Page page = context.newPage();
        page.navigate(system.registry.url() + "/console/");
        page.getByLabel("Username").fill(user);
        page.getByLabel("API key").fill(key);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.locator("h1")).hasText("Fleet");
        return page;
    }

    private static void shot(Page page, String name) {
        page.bringToFront(); // a tab behind another never paints a frame: its screenshot would wait forever
        page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve(name)).setFullPage(true));
    }

    @Test
    void theConsoleEndToEnd() throws Exception {
        BrowserContext admin = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
        Page fleet = loggedIn(admin, "admin", SystemUnderTest.ADMIN_KEY);
        // the key lives in the tab's session storage only: not in the URL, not in a cookie
        assertThat(fleet.url()).doesNotContain(SystemUnderTest.ADMIN_KEY);
        assertThat(admin.cookies()).isEmpty();
        // every status text the fleet table's cells show, in order, recorded in the page as it changes
        fleet.evaluate("() => { window.seen = []; new MutationObserver(() => { const s = document.querySelector("
                + "'tr[data-cluster=\"demo-01\"] .status'); const t = s && s.textContent.replace(/^\\S+ /, '');"
                + " if (t && window.seen[window.seen.length - 1] !== t) window.seen.push(t); })"
                + ".observe(document.getElementById('app'), {subtree: true, childList: true, characterData: true}); }");

        // registered from a second tab (its own session storage: it logs in too) while the first watches
        Page register = loggedIn(admin, "admin", SystemUnderTest.ADMIN_KEY);
        register.getByRole(com.microsoft.playwright.options.AriaRole.LINK,
                new Page.GetByRoleOptions().setName("Register a cluster")).click();
        String spec = Files.readString(root.resolve("deploy/local/demo-spec.json"));
        register.getByLabel("Cluster spec JSON").fill(spec.replace("\"us-east-1\"", "\"us-east-1a\""));
        register.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register")).click();
        assertThat(register.locator(".errors")).containsText("spec.driver.kubernetes.aws.region");
        register.getByLabel("Cluster spec JSON").fill(spec);
        register.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register")).click();
        assertThat(register.locator("h1")).hasText("demo-01");

        Locator status = fleet.locator("tr[data-cluster=\"demo-01\"] .status");
        assertThat(status).containsText("running", new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                .setTimeout(60_000));
        @SuppressWarnings("unchecked")
        List<String> seen = (List<String>) fleet.evaluate("() => window.seen");
        assertThat(seen).as("status cell texts, live").endsWith("running").hasSizeGreaterThan(1)
                .isSubsetOf("queued", "pending", "running");
        shot(fleet, "fleet.png");

        register.setViewportSize(390, 844);
        register.navigate(system.registry.url() + "/console/#/fleet");
        assertThat(register.locator("tr[data-cluster=\"demo-01\"] .status")).containsText("running");
        shot(register, "fleet-390.png");

        fleet.locator("tr[data-cluster=\"demo-01\"] a").click();
        assertThat(fleet.locator("#checks")).containsText("assume-role");
        assertThat(fleet.locator("#checks")).containsText("external-id-enforced");
        assertThat(fleet.locator("#history li").first()).containsText("requested");
        assertThat(fleet.locator("#spec")).containsText("…");
        assertThat(fleet.content()).doesNotContain(dev.byoc.testsupport.AwsStandIn.externalIdOf("admin"));
        shot(fleet, "cluster.png");

        fleet.locator("#verify").click();
        assertThat(fleet.locator(".notice")).containsText("verification requested");
        fleet.getByLabel("Performance profile").selectOption("CLUSTER_PERFORMANCE_PROFILE_COST_SAVING");
        fleet.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(fleet.locator(".notice")).containsText("Edit accepted");

        // a second user sees none of the first user's clusters
        given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY).contentType("application/json")
                .body("{\"username\": \"console-b\"}").post("/api/v1/admin/users").then().statusCode(201);
        String keyB = given().baseUri(system.registry.url()).auth().oauth2(SystemUnderTest.ADMIN_KEY)
                .post("/api/v1/admin/users/console-b/keys").then().statusCode(201).extract().path("key");
        BrowserContext other = browser.newContext();
        Page b = loggedIn(other, "console-b", keyB);
        assertThat(b.locator("#fleet tbody")).containsText("No clusters.");
        assertThat(b.locator("#nav-admin")).isHidden();
        b.navigate(system.registry.url() + "/console/#/cluster/demo-01");
        // the page and its live stream may each say 404: either is the refusal
        assertThat(b.locator(".errors").first()).containsText("404");
        other.close();

        // the admin's DLQ view: the table, "no dead letters", or "not available" before the endpoint exists
        Page adminPage = admin.newPage();
        adminPage.navigate(system.registry.url() + "/console/");
        adminPage.getByLabel("API key").fill(SystemUnderTest.ADMIN_KEY);
        adminPage.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        adminPage.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin")).click();
        assertThat(adminPage.locator("#projection")).containsText("{");
        adminPage.locator("#dlq-link").click();
        assertThat(adminPage.locator("h1")).hasText("Dead letters");
        assertThat(adminPage.locator("#dlq-table, #dlq-empty, #dlq-unavailable")).isVisible();
        shot(adminPage, "admin-dlq.png");

        // delete: the preview first, then the real thing, followed live to deleted
        fleet.locator("#delete-preview").click();
        assertThat(fleet.locator("#preview")).containsText("dry run: nothing was changed");
        fleet.locator("#delete-confirm").click();
        assertThat(fleet.locator(".notice")).containsText("deletion requested");
        assertThat(fleet.locator("h1 + p .status")).containsText("deleted",
                new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        admin.close();
    }
}
